# Images for esb-gateway and esb-manager (PRODUCT.md §7; docs/deployment.md).
#
# Two ways to build, both with the base images as build arguments so an air-gapped site (and the tests on
# machines without a registry) can use local ones:
#   docker build --target gateway -t esb-gateway .        # compiles inside SWIFT_IMAGE (needs its registry
#   docker build --target manager -t esb-manager .        #   and the package's git dependencies)
#   scripts/build-images.sh --prebuilt
#       builds the binaries on the host (swift build -c release --static-swift-stdlib), stages them in
#       deploy/bin/ and builds deploy/Dockerfile.prebuilt (same targets, no compile stage) on RUNTIME_IMAGE
#       (default there: the local esb-local/runtime:bookworm from tests-e2e/build-runtime-image.sh).
#       Nothing is pulled. A separate file because the legacy builder (Debian's docker.io, compose 1.29) builds
#       every stage before the target, so a prebuilt target here would still need SWIFT_IMAGE.
ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
        libssl-dev libcurl4-openssl-dev libyaml-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
RUN swift build -c release --static-swift-stdlib --product esb-gateway \
    && swift build -c release --static-swift-stdlib --product esb-manager \
    && mkdir /out && cp .build/release/esb-gateway .build/release/esb-manager /out/

# The binaries link the Swift runtime statically and these C libraries dynamically (ARCHITECTURE.md §4); curl
# serves the health checks (gateway: GET https://127.0.0.1/health; manager: /health on its Unix socket).
# A runtime image that already has them (the local debootstrap one) skips apt-get: there may be no mirror.
FROM ${RUNTIME_IMAGE} AS runtime
RUN if ! { ldconfig -p | grep -q 'libyaml-0\.so\.2' && ldconfig -p | grep -q 'libcurl\.so\.4' \
           && ldconfig -p | grep -q 'libssl\.so\.3' && command -v curl >/dev/null; }; then \
        apt-get update && apt-get install -y --no-install-recommends \
            libssl3 libcurl4 libyaml-0-2 ca-certificates curl \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
    && mkdir -p /app/config/ssl /run/esb
WORKDIR /app

FROM runtime AS gateway
COPY --from=build /out/esb-gateway /usr/local/bin/esb-gateway
EXPOSE 443
HEALTHCHECK --interval=5s --timeout=3s --retries=3 --start-period=10s \
    CMD ["curl", "-kfsS", "-o", "/dev/null", "https://127.0.0.1:443/health"]
ENTRYPOINT ["/usr/local/bin/esb-gateway"]

FROM runtime AS manager
COPY --from=build /out/esb-manager /usr/local/bin/esb-manager
HEALTHCHECK --interval=5s --timeout=3s --retries=5 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "--unix-socket", "/run/esb/manager.sock", "http://localhost/health"]
ENTRYPOINT ["/usr/local/bin/esb-manager"]
