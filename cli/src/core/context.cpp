#include "core/context.hpp"

#include <unistd.h>

#include <cstdlib>

#include "core/errors.hpp"

namespace boutique::core {

bool use_color(bool no_color_flag, std::FILE* stream) {
  const char* nc = std::getenv("NO_COLOR");
  if (no_color_flag || (nc && *nc)) return false;
  return ::isatty(fileno(stream)) != 0;
}

void Context::print(const std::string& text) const {
  std::fputs(text.c_str(), out);
  std::fflush(out);
}

Context make_context(const GlobalOptions& g) {
  LoadInputs in;
  if (!g.config_file.empty()) in.file = g.config_file;
  if (!g.target.empty()) in.flags["target"] = g.target;
  if (!g.state_dir.empty()) in.flags["state_dir"] = g.state_dir;
  if (!g.engine.empty()) in.flags["images.engine"] = g.engine;
  if (!g.kube_context.empty()) in.flags["k8s.context"] = g.kube_context;
  if (!g.kube_namespace.empty()) in.flags["k8s.namespace"] = g.kube_namespace;
  Context ctx{Config::load(in), nullptr, nullptr};
  if (g.output == "json")
    ctx.format = Format::json;
  else if (g.output != "table")
    throw ConfigError("--output must be table or json, got '" + g.output + "'");
  ctx.color = use_color(g.no_color, stdout);
  ctx.verbose = g.verbose;
  ctx.quiet = g.quiet;
  bool err_color = use_color(g.no_color, stderr);
  ctx.progress = std::make_unique<Progress>(Progress::detect(g.quiet), err_color);
  std::function<void(const std::string&)> trace;
  if (g.verbose)
    trace = [p = ctx.progress.get()](const std::string& line) { p->info("+ " + line); };
  ctx.runner = std::make_unique<PosixProcessRunner>(trace);
  return ctx;
}

}  // namespace boutique::core
