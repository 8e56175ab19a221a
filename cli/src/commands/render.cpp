#include "commands/render.hpp"

#include "commands/choices.hpp"
#include "targets/k8s/kubectl.hpp"

namespace boutique::commands {

CLI::App* setup_render(CLI::App& app, RenderOptions& opts) {
  auto* sub = app.add_subcommand(
      "render", "Print the Kubernetes YAML of an overlay with this build's image tags");
  sub->add_option("--overlay", opts.overlay,
                  "minikube, prod, or a directory (default: k8s.overlay)")
      ->type_name(choices::kOverlay);
  sub->footer(
      "`kubectl kustomize` (offline) of a temporary kustomization wrapping the overlay, whose\n"
      "images: list sets this build's tag (images.tag, else the commit) on the API and\n"
      "frontend images.\n\n"
      "Examples:\n  boutique render\n  boutique render --overlay prod > boutique.yaml");
  return sub;
}

int run_render(const RenderOptions& opts, core::Context& ctx) {
  namespace k8s = targets::k8s;
  ctx.print(k8s::render(ctx, k8s::overlay_path(ctx.config, opts.overlay), k8s::build_tag(ctx)));
  return 0;
}

}  // namespace boutique::commands
