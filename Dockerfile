# Images of the box, built FROM SOURCE (docs/contract.md §7; docs/deployment.md "Images").
#
#   docker build --target gateway -t esb-gateway .     esb-gateway on RUNTIME_IMAGE, non-root (uid 10001)
#   docker build --target manager -t esb-manager .     esb-manager on RUNTIME_IMAGE (root: it holds docker.sock)
#   docker build --target box     -t esb-box .         esb CLI + Docker + compose on BOX_IMAGE: the DinD image of
#                                                      docker-compose.dind.yml and the `app` one-shot service that
#                                                      builds and provisions the SAM application
# `docker compose build` does all three. Every base image is a build argument, so an air-gapped site (and the tests
# on machines without a registry: tests-e2e/build-toolchain-image.sh) builds with local ones and no file edits:
#   SWIFT_IMAGE    the compiler (swift:6.3-bookworm); it needs the package's git dependencies (swift-argument-parser)
#   RUNTIME_IMAGE  where the daemons run (debian:bookworm-slim): libssl3, libcurl4, libyaml-0-2, curl
#   BOX_IMAGE      where esb and the inner Docker run (debian:bookworm-slim): docker.io, docker-compose, iptables
# The binaries link the Swift runtime statically (--static-swift-stdlib) and the C libraries above dynamically, so
# the runtime image must be the same Debian release as the compiler image (glibc).
#
# Host-built binaries instead (scripts/build-images.sh --prebuilt; docs/deployment.md "Air-gapped builds"):
#   BINARIES=host  the `build` stage takes deploy/bin/esb-gateway, esb-manager (and esb, for `box`) instead of
#                  compiling; SWIFT_IMAGE is then any image with a shell, e.g. RUNTIME_IMAGE itself, so nothing but
#                  the runtime image is needed. Same stages, users, health checks and entry points either way.
ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim
ARG BOX_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
ARG BINARIES=source
# The build packages; an image that already has them (the local toolchain image) skips apt-get.
RUN if [ "$BINARIES" = source ] && ! { [ -e /usr/include/openssl/ssl.h ] && [ -e /usr/include/curl/curl.h ] \
           && [ -e /usr/include/yaml.h ] && command -v pkg-config >/dev/null; }; then \
        apt-get update && apt-get install -y --no-install-recommends \
            libssl-dev libcurl4-openssl-dev libyaml-dev pkg-config \
        && rm -rf /var/lib/apt/lists/*; \
    fi
WORKDIR /src
# SwiftPM checks the folder of every target the manifest declares, built or not: the test targets (Tests/) and the
# benchmark (bench/) come along although only the three products below are built.
COPY Package.swift ./
COPY Sources ./Sources
# SAMGenerator compiles the Python runtime patch in (Sources/SAMGenerator/Resources links to it).
COPY runtime/python ./runtime/python
COPY Tests ./Tests
COPY bench ./bench
RUN if [ "$BINARIES" = source ]; then \
        swift build -c release --static-swift-stdlib --product esb-gateway \
        && swift build -c release --static-swift-stdlib --product esb-manager \
        && swift build -c release --static-swift-stdlib --product esb \
        && mkdir /out \
        && cp .build/release/esb-gateway .build/release/esb-manager .build/release/esb /out/ \
        && strip --strip-debug /out/*; \
    fi
# strip --strip-debug drops the DWARF sections and keeps the symbol table: crash backtraces still name functions.
# deploy/ always exists in the context (deploy/dind, deploy/app), so this COPY holds in both modes; only
# deploy/bin matters here.
COPY deploy ./deploy
RUN if [ "$BINARIES" = host ]; then \
        mkdir /out && cp deploy/bin/esb-gateway deploy/bin/esb-manager /out/ \
        && { [ ! -e deploy/bin/esb ] || cp deploy/bin/esb /out/; }; \
    elif [ "$BINARIES" != source ]; then echo "BINARIES is source or host, not $BINARIES" >&2; exit 1; fi

# curl serves the health checks (gateway: GET https://127.0.0.1/health; manager: /health on its Unix socket).
# A runtime image that already has the libraries (the local debootstrap one) skips apt-get: there may be no mirror.
FROM ${RUNTIME_IMAGE} AS runtime
RUN if ! { ldconfig -p | grep -q 'libyaml-0\.so\.2' && ldconfig -p | grep -q 'libcurl\.so\.4' \
           && ldconfig -p | grep -q 'libssl\.so\.3' && command -v curl >/dev/null; }; then \
        apt-get update && apt-get install -y --no-install-recommends \
            libssl3 libcurl4 libyaml-0-2 ca-certificates curl \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
    && { getent group esb >/dev/null || groupadd --system --gid 10001 esb; } \
    && { getent passwd esb >/dev/null || useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /app esb; } \
    && mkdir -p /app/config /app/tls /run/esb /var/lib/esb/events \
    && chown esb:esb /app/tls /var/lib/esb/events && chown root:esb /run/esb && chmod 0770 /run/esb
WORKDIR /app

# Non-root: Docker (20.10+) lets unprivileged processes bind ports below 1024 inside a container
# (net.ipv4.ip_unprivileged_port_start=0). The TLS volume (/app/tls) starts owned by esb, for the self-signed pair,
# and so does the event spool volume (/var/lib/esb/events, docs/async-invocations.md).
FROM runtime AS gateway
COPY --from=build /out/esb-gateway /usr/local/bin/esb-gateway
USER esb:esb
EXPOSE 443
HEALTHCHECK --interval=5s --timeout=3s --retries=3 --start-period=10s \
    CMD ["curl", "-kfsS", "-o", "/dev/null", "https://127.0.0.1:443/health"]
ENTRYPOINT ["/usr/local/bin/esb-gateway"]

# Root: the manager holds docker.sock (root-equivalent whatever its uid). Group esb and umask 007 make its API
# socket (/run/esb/manager.sock) usable by the non-root gateway and nobody else.
FROM runtime AS manager
COPY --from=build /out/esb-manager /usr/local/bin/esb-manager
USER root:esb
HEALTHCHECK --interval=5s --timeout=3s --retries=5 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "--unix-socket", "/run/esb/manager.sock", "http://localhost/health"]
ENTRYPOINT ["/bin/sh", "-c", "umask 007 && exec /usr/local/bin/esb-manager \"$@\"", "esb-manager"]

# The esb CLI with a Docker engine, its CLI and compose: the DinD image (deploy/dind/entrypoint.sh runs dockerd
# and the box inside) and the image of the `app` service (deploy/app/build-app.sh: esb generate, build, provision,
# against the host's engine through docker.sock). Debian, so the glibc esb binary runs.
FROM ${BOX_IMAGE} AS box
RUN if ! { command -v dockerd >/dev/null && command -v iptables >/dev/null && command -v curl >/dev/null \
           && { command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1; }; }; then \
        apt-get update && apt-get install -y --no-install-recommends \
            docker.io docker-compose iptables ca-certificates curl procps \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
    && rm -rf /var/lib/docker/* /var/lib/containerd/*
COPY --from=build /out/esb /usr/local/bin/esb
COPY docker-compose.yml /box/docker-compose.yml
COPY deploy/dind/entrypoint.sh deploy/app/build-app.sh /usr/local/bin/
WORKDIR /box
VOLUME /var/lib/docker
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
