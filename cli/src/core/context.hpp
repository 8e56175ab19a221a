#pragma once
// Everything a command needs, built once after the command line is parsed and passed down by
// reference: the effective configuration, the process runner, progress, output preferences.
#include <cstdio>
#include <memory>
#include <string>

#include "core/config.hpp"
#include "core/output.hpp"
#include "core/process.hpp"
#include "core/progress.hpp"

namespace boutique::core {

// Options every subcommand accepts (bound by main.cpp).
struct GlobalOptions {
  std::string config_file;
  std::string target;
  std::string state_dir;
  std::string engine;
  std::string kube_context;    // --context: k8s.context
  std::string kube_namespace;  // --namespace: k8s.namespace
  std::string output = "table";
  bool no_color = false;
  bool verbose = false;
  bool quiet = false;
};

struct Context {
  Config config;
  std::unique_ptr<ProcessRunner> runner;
  std::unique_ptr<Progress> progress;
  Format format = Format::table;
  bool color = false;  // colour on stdout
  bool verbose = false;
  bool quiet = false;
  // --yes of the command that runs (deploy, up, pipeline, down): questions are answered yes.
  bool assume_yes = false;
  std::FILE* out = stdout;

  void print(const std::string& text) const;  // to `out`, flushed
};

// Loads the configuration (flags > env > file > defaults) and wires the real runner and progress.
Context make_context(const GlobalOptions& g);
// Colour only on a terminal, and never with --no-color or NO_COLOR set (https://no-color.org).
bool use_color(bool no_color_flag, std::FILE* stream);

}  // namespace boutique::core
