# boutique-api image: a builder with the compilers and -dev packages, a runtime with only the shared
# libraries the binary links (migrations, demo data and the OpenAPI document are compiled in).
# Build from the repository root — the API build needs the top-level CMakeLists.txt and cmake/:
#   docker build -f api/Dockerfile -t boutique-api \
#     --build-arg VERSION=0.1.0 --build-arg REVISION="$(git rev-parse --short=12 HEAD)" \
#     --build-arg SOURCE="$(git remote get-url origin)" .
# Run: docker run -p 5000:5000 -e DATABASE_URL=postgresql://user:pass@db/boutique boutique-api
# Configuration is the environment only (docs/api.md); `boutique-api migrate` applies migrations and exits.

FROM debian:bookworm-slim AS builder
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      g++ make cmake pkg-config \
      libpistache-dev libpqxx-dev libsodium-dev libfmt-dev nlohmann-json3-dev \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake/ cmake/
COPY api/ api/
# Compile everything but the build-info unit first: a new commit that leaves api/ unchanged then
# reuses this layer and only relinks below.
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release \
      -DBOUTIQUE_BUILD_CLI=OFF -DBOUTIQUE_BUILD_TESTS=OFF -DBOUTIQUE_WERROR=OFF \
 && cmake --build /build -j "$(nproc)" --target boutique_api_lib
ARG REVISION=unknown
RUN BOUTIQUE_GIT_COMMIT="$REVISION" cmake --build /build -j "$(nproc)" --target boutique-api \
 && strip /build/bin/boutique-api \
 && /build/bin/boutique-api --version

FROM debian:bookworm-slim
# Exactly the libraries `ldd boutique-api` needs (+13 MB). apt lists and caches go in the same RUN:
# a layer keeps whatever its RUN leaves behind. No setuid/setgid binary is left (su, mount, …): the
# unprivileged user has no way up (docs/security.md; tests/containers/run.sh checks).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpistache0 libpq5 libpqxx-6.4 libsodium23 libfmt9 \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt/* /var/log/dpkg.log \
 && groupadd --gid 10001 boutique \
 && useradd --no-log-init --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin boutique \
 && find / -xdev -type f -perm /6000 -exec chmod a-s {} +
COPY --from=builder /build/bin/boutique-api /usr/local/bin/boutique-api
RUN ["/usr/local/bin/boutique-api", "--version"]

USER 10001:10001
ENV BOUTIQUE_BIND=0.0.0.0 \
    PORT=5000 \
    BOUTIQUE_LOG_FORMAT=json
EXPOSE 5000
# boutique-api drains in-flight requests and exits 0 on SIGTERM.
STOPSIGNAL SIGTERM
# No curl in the image: bash's /dev/tcp asks /healthz (the process answers; no database needed).
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/\"${PORT:-5000}\" && printf 'GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && read -r _ code _ <&3 && [ \"$code\" = 200 ]"]
ENTRYPOINT ["/usr/local/bin/boutique-api"]

ARG VERSION=0.1.0
ARG REVISION=unknown
ARG SOURCE=""
# buildah/podman ≤ 1.28 reuse a cached LABEL step even when these ARGs changed (its cache key is the
# unexpanded text); a RUN's cache key includes the ARG values, so the LABEL below follows them.
RUN echo "labels: version $VERSION, revision $REVISION"
LABEL org.opencontainers.image.title="boutique-api" \
      org.opencontainers.image.description="Boutique shop API (Pistache + libpqxx on PostgreSQL)" \
      org.opencontainers.image.version="$VERSION" \
      org.opencontainers.image.revision="$REVISION" \
      org.opencontainers.image.source="$SOURCE"
