#!/bin/sh
# Renders the shared site template (the same one the local target uses) from the environment, then
# runs nginx in the foreground as PID 1 (SIGQUIT: graceful stop, SIGTERM: fast stop).
#   BOUTIQUE_WEB_LISTEN    what nginx listens on (default 5173)
#   BOUTIQUE_WEB_ROOT      the built UI (default /usr/share/boutique/web)
#   BOUTIQUE_API_UPSTREAM  host:port of the API that /api, /healthz, /readyz go to (default backend:5000)
set -eu
export BOUTIQUE_WEB_LISTEN="${BOUTIQUE_WEB_LISTEN:-5173}"
export BOUTIQUE_WEB_ROOT="${BOUTIQUE_WEB_ROOT:-/usr/share/boutique/web}"
export BOUTIQUE_API_UPSTREAM="${BOUTIQUE_API_UPSTREAM:-backend:5000}"
mkdir -p /tmp/nginx
# Only these three placeholders: nginx's own $variables in the template must stay as they are.
# shellcheck disable=SC2016  # the single quotes are the point: envsubst gets the names, not values
envsubst '${BOUTIQUE_WEB_LISTEN} ${BOUTIQUE_WEB_ROOT} ${BOUTIQUE_API_UPSTREAM}' \
  </etc/boutique/boutique.conf.template >/tmp/nginx/boutique.conf
if [ $# -eq 0 ]; then
  set -- nginx -e stderr -c /etc/boutique/nginx.conf -g 'daemon off;'
fi
exec "$@"
