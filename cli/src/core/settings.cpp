// Every setting of boutique.yaml, once: key, environment variable, type, default, help — the
// parser, `boutique config` and docs/cli.md follow this table — and the former names still read.
#include "core/config.hpp"

namespace boutique::core {

const std::vector<Setting>& Config::settings() {
  static const std::vector<Setting> table = {
      {"project", "BOUTIQUE_PROJECT", Kind::string, "",
       "Compose project name (empty: Compose's own choice, COMPOSE_PROJECT_NAME or the "
       "checkout directory's name)"},
      {"target", "BOUTIQUE_TARGET", Kind::string, "local",
       "where the stack runs: local|compose|k8s"},
      {"ports.api", "BOUTIQUE_API_PORT", Kind::integer, "5000", "API port"},
      {"ports.web", "BOUTIQUE_WEB_PORT", Kind::integer, "5173", "web UI port (nginx)"},
      {"ports.db", "BOUTIQUE_DB_PORT", Kind::integer, "5433",
       "PostgreSQL port (5433: never the system's 5432)"},
      {"database.name", "BOUTIQUE_DB_NAME", Kind::string, "boutique", "database name"},
      {"database.user", "BOUTIQUE_DB_USER", Kind::string, "boutique", "database role"},
      {"admin.email", "BOUTIQUE_ADMIN_EMAIL", Kind::string, "admin@boutique.local",
       "demo admin's email (password: BOUTIQUE_ADMIN_PASSWORD or generated)"},
      {"images.registry", "BOUTIQUE_REGISTRY", Kind::string, "",
       "registry prefix of the images (empty: local only; `build --push` needs one)"},
      {"images.api", "BOUTIQUE_API_IMAGE", Kind::string, "boutique-api", "API image name"},
      {"images.web", "BOUTIQUE_WEB_IMAGE", Kind::string, "boutique-frontend", "web image name"},
      {"images.tag", "BOUTIQUE_IMAGE_TAG", Kind::string, "",
       "tag the container targets run (empty: the checkout's <git-sha>[-dirty])"},
      {"images.engine", "BOUTIQUE_ENGINE", Kind::string, "auto",
       "what builds and runs images: auto|docker|podman"},
      {"images.web_target", "BOUTIQUE_WEB_TARGET", Kind::string, "auto",
       "frontend Dockerfile target: auto|web (UI built in the image)|web-dist (host-built UI)"},
      {"compose.file", "BOUTIQUE_COMPOSE_FILE", Kind::path, "compose.yaml",
       "the Compose file of the compose target"},
      {"compose.override", "BOUTIQUE_COMPOSE_OVERRIDE", Kind::string, "auto",
       "extra Compose file: auto (podman: the host-network override)|none|a path"},
      {"k8s.context", "BOUTIQUE_K8S_CONTEXT", Kind::string, "minikube", "kubectl context"},
      {"k8s.namespace", "BOUTIQUE_K8S_NAMESPACE", Kind::string, "boutique", "namespace"},
      {"k8s.cluster", "BOUTIQUE_K8S_CLUSTER", Kind::string, "auto",
       "how images reach the cluster: auto (by context name: minikube, kind-*, k3d-*, else "
       "registry)|minikube|kind|k3d|registry"},
      {"k8s.overlay", "BOUTIQUE_K8S_OVERLAY", Kind::path, "manifests/overlays/minikube",
       "kustomize overlay"},
      {"state_dir", "BOUTIQUE_STATE_DIR", Kind::path, ".boutique",
       "data, logs, pid files and secrets (every target's, under its own subdirectory)"},
      {"health_timeout", "BOUTIQUE_HEALTH_TIMEOUT", Kind::duration, "60",
       "seconds `up` waits for each part to be healthy"},
      {"stop_timeout", "BOUTIQUE_STOP_TIMEOUT", Kind::duration, "10",
       "seconds `down` waits after SIGTERM before SIGKILL"},
      {"seed_demo", "BOUTIQUE_SEED_DEMO", Kind::boolean, "true",
       "load the demo catalogue and accounts into an empty database"},
      {"local.bind", "BOUTIQUE_LOCAL_BIND", Kind::string, "127.0.0.1",
       "address the API and web UI listen on"},
      {"local.api_binary", "BOUTIQUE_API_BINARY", Kind::path, "",
       "boutique-api to run (empty: next to boutique, else build/bin/)"},
      {"local.web_root", "BOUTIQUE_WEB_ROOT", Kind::path, "",
       "static files to serve (empty: frontend/dist, built when needed)"},
      {"local.web_user", "BOUTIQUE_WEB_USER", Kind::string, "www-data",
       "account nginx workers run as when started as root"},
      {"local.log_format", "BOUTIQUE_LOG_FORMAT", Kind::string, "text",
       "API log format: text|json"},
  };
  return table;
}

const std::vector<Alias>& Config::aliases() {
  // Every target uses these: their names lost the `local.` prefix.
  static const std::vector<Alias> table = {
      {"local.state_dir", "state_dir"},
      {"local.health_timeout", "health_timeout"},
      {"local.stop_timeout", "stop_timeout"},
      {"local.seed_demo", "seed_demo"},
  };
  return table;
}

}  // namespace boutique::core
