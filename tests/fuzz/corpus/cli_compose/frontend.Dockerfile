# boutique-frontend image: the built React UI served by nginx (non-root, port 5173), /api proxied to
# the API given at start by BOUTIQUE_API_UPSTREAM (default backend:5000, compose's service name).
# Build context: frontend/.
#
# Where the UI comes from — two targets over one runtime stage (same nginx, same config):
#   web (default, last stage)  a node:20 stage runs `npm ci && npm run build`: what Docker users
#                              expect — `docker build frontend/`, `docker compose up --build` on a
#                              fresh clone, no node on the host.
#   web-dist                   copies frontend/dist built beforehand on the host (`npm ci && npm run
#                              build`): for machines where a build cannot reach a node:20 image or
#                              the npm registry (this project's CI sandbox: no Docker Hub, npm
#                              behind a TLS-intercepting proxy).
#   docker build -t boutique-frontend frontend/
#   docker build -t boutique-frontend --target web-dist frontend/
# Targets rather than an ARG in FROM: buildah ≤ 1.28's skip-unused-stages ignores ARG defaults.
# See docs/containers.md.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM debian:bookworm-slim AS runtime
# nginx-light (as the local target) + envsubst to render the template; lists and caches removed in
# the same RUN so the layer stays small; setuid/setgid bits removed (docs/security.md).
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx-light gettext-base \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt/* /var/log/dpkg.log \
 && groupadd --gid 10001 boutique \
 && useradd --no-log-init --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin boutique \
 && find / -xdev -type f -perm /6000 -exec chmod a-s {} +
COPY nginx/boutique.conf.template /etc/boutique/boutique.conf.template
COPY docker/nginx.conf /etc/boutique/nginx.conf
COPY docker/entrypoint.sh /usr/local/bin/boutique-web

USER 10001:10001
ENV BOUTIQUE_WEB_LISTEN=5173 \
    BOUTIQUE_WEB_ROOT=/usr/share/boutique/web \
    BOUTIQUE_API_UPSTREAM=backend:5000
EXPOSE 5173
# nginx: SIGQUIT finishes in-flight requests, then exits.
STOPSIGNAL SIGQUIT
# No curl in the image: bash's /dev/tcp asks for the UI's index (not the API: the UI's health is its own).
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/\"${BOUTIQUE_WEB_LISTEN##*:}\" && printf 'GET / HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && read -r _ code _ <&3 && [ \"$code\" = 200 ]"]
ENTRYPOINT ["/usr/local/bin/boutique-web"]

ARG VERSION=0.1.0
ARG REVISION=unknown
ARG SOURCE=""
# buildah/podman ≤ 1.28 reuse a cached LABEL step even when these ARGs changed (its cache key is the
# unexpanded text); a RUN's cache key includes the ARG values, so the LABEL below follows them.
RUN echo "labels: version $VERSION, revision $REVISION"
LABEL org.opencontainers.image.title="boutique-frontend" \
      org.opencontainers.image.description="Boutique web UI (React) served by nginx, /api proxied to boutique-api" \
      org.opencontainers.image.version="$VERSION" \
      org.opencontainers.image.revision="$REVISION" \
      org.opencontainers.image.source="$SOURCE"

# Target web-dist: the UI built on the host.
FROM runtime AS web-dist
COPY dist/ /usr/share/boutique/web/

# The UI built here, in a throwaway node stage (nothing of it but dist/ reaches the image).
FROM ${NODE_IMAGE} AS ui-build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Default target (last stage): the UI built in the node stage.
FROM runtime AS web
COPY --from=ui-build /app/dist/ /usr/share/boutique/web/
