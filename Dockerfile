# Images for esb-gateway and esb-manager (PRODUCT.md §7).
#
# Two ways to build, both with base images as build arguments so an air-gapped site (and the tests on
# machines without a registry) can use local ones:
#   docker build --target gateway -t esb-gateway .        # compiles inside SWIFT_IMAGE
#   docker build --target manager -t esb-manager .
#   scripts/build-images.sh --prebuilt
#       (builds the binaries on the host with --static-swift-stdlib, stages them in deploy/bin/ and
#        uses the *-prebuilt targets with a local RUNTIME_IMAGE)
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

# The runtime needs the C libraries the binaries link dynamically (ARCHITECTURE.md §4).
FROM ${RUNTIME_IMAGE} AS runtime
RUN if command -v apt-get >/dev/null && ! ldconfig -p | grep -q libyaml-0; then \
        apt-get update && apt-get install -y --no-install-recommends \
            libssl3 libcurl4 libyaml-0-2 ca-certificates \
        && rm -rf /var/lib/apt/lists/*; \
    fi
WORKDIR /app
RUN mkdir -p /app/config/ssl

FROM runtime AS gateway
COPY --from=build /out/esb-gateway /usr/local/bin/esb-gateway
EXPOSE 443
# A TCP connect is enough: the process answers TLS on 443 only once its configuration loaded.
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/443"]
ENTRYPOINT ["/usr/local/bin/esb-gateway"]

FROM runtime AS manager
COPY --from=build /out/esb-manager /usr/local/bin/esb-manager
ENTRYPOINT ["/usr/local/bin/esb-manager"]

FROM runtime AS gateway-prebuilt
COPY deploy/bin/esb-gateway /usr/local/bin/esb-gateway
EXPOSE 443
# A TCP connect is enough: the process answers TLS on 443 only once its configuration loaded.
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/443"]
ENTRYPOINT ["/usr/local/bin/esb-gateway"]

FROM runtime AS manager-prebuilt
COPY deploy/bin/esb-manager /usr/local/bin/esb-manager
ENTRYPOINT ["/usr/local/bin/esb-manager"]
