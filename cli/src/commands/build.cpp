#include "commands/build.hpp"

#include "commands/choices.hpp"
#include "core/interrupt.hpp"
#include "images/builder.hpp"

namespace boutique::commands {

CLI::App* setup_build(CLI::App& app, BuildOptions& opts) {
  auto* sub = app.add_subcommand(
      "build", "Build the container images (boutique-api, boutique-frontend) of this commit");
  sub->add_option("components", opts.components, "Only these images: api, web")
      ->check(choices::one_of(choices::kImages));
  sub->add_flag("--force", opts.force, "Rebuild even if the image exists for this commit");
  sub->add_flag("--push", opts.push, "Push the registry tags (needs images.registry)");
  sub->footer(
      "Engine: docker when its daemon answers, else podman (--engine or images.engine to\n"
      "choose). Tags: <name>:<git-sha> (<sha>-dirty with uncommitted changes: always rebuilt),\n"
      "<name>:latest, and the same under images.registry when set. An image that exists for a\n"
      "clean commit is not rebuilt. A failed build prints its last lines (exit 4).\n\n"
      "Examples:\n  boutique build\n  boutique build api --force\n"
      "  BOUTIQUE_REGISTRY=registry.example.com/boutique boutique build --push\n"
      "  boutique build --engine podman -o json");
  return sub;
}

int run_build(const BuildOptions& opts, core::Context& ctx) {
  core::catch_interrupts();  // Ctrl-C stops the build being run (exit 8)
  auto choice = images::choose_engine(*ctx.runner, ctx.config.str("images.engine"),
                                      ctx.config.value("images.engine").origin);
  images::Engine engine(*ctx.runner, choice.kind);
  images::Builder builder(ctx, engine);
  auto report = builder.build({opts.components, opts.force, opts.push});
  ctx.print(images::render_build_report(report, ctx.format == core::Format::json, ctx.color));
  return 0;
}

}  // namespace boutique::commands
