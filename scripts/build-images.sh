#!/usr/bin/env bash
# build-images.sh — build the esb-gateway and esb-manager images (docs/deployment.md).
#
#   scripts/build-images.sh              compile inside SWIFT_IMAGE (Dockerfile targets gateway/manager; needs
#                                        that image and the package's git dependencies)
#   scripts/build-images.sh --prebuilt   compile on this host (swift build -c release --static-swift-stdlib
#                                        in .build/static), stage the binaries (and the esb CLI) in deploy/bin/ and copy them onto RUNTIME_IMAGE
#                                        (the Dockerfile with BINARIES=host). RUNTIME_IMAGE defaults to the local
#                                        esb-local/runtime:bookworm, built with debootstrap when missing:
#                                        no registry needed (air-gapped sites, these test machines)
#   --tag TAG                            image tag (default latest; the compose test stack uses "test")
#   --no-swift-build                     --prebuilt with the binaries already in deploy/bin/
#   --save                               also `docker save` both images into deploy/dind/images/esb-box.tar
#                                        for docker-compose.dind.yml
# Environment: RUNTIME_IMAGE, SWIFT_IMAGE (build arguments of the Dockerfile); ESB_MANAGER_CONFIGURATION
#   (--prebuilt: release, or debug for investigations); ESB_STATIC_BUILD_PATH (scratch path, default .build/static).
set -euo pipefail
cd "$(dirname "$0")/.."

prebuilt=false save=false swift_build=true tag=latest
while (($#)); do
    case "$1" in
        --prebuilt) prebuilt=true ;;
        --save) save=true ;;
        --no-swift-build) swift_build=false ;;
        --tag) tag="${2:?--tag needs a value}"; shift ;;
        --tag=*) tag="${1#--tag=}" ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "usage: $0 [--prebuilt [--no-swift-build]] [--tag TAG] [--save]" >&2; exit 2 ;;
    esac
    shift
done
say() { printf '[build-images] %s\n' "$*" >&2; }
# Debian's docker.io has no buildx; the legacy builder handles these Dockerfiles (and is what compose 1.29 uses).
export DOCKER_BUILDKIT=0

tests-e2e/lib/ensure-dockerd.sh
if $prebuilt; then
    runtime_image=${RUNTIME_IMAGE:-esb-local/runtime:bookworm}
    if [[ "$runtime_image" == esb-local/runtime:bookworm ]]; then
        tests-e2e/build-runtime-image.sh
    fi
    if $swift_build; then
        # A scratch path of its own: objects compiled for --static-swift-stdlib carry link entries for the
        # static runtime, and a later plain `swift build -c release` in the same folder would fail to link.
        # ESB_MANAGER_CONFIGURATION=debug puts a debug esb-manager in the image (for investigations).
        manager_configuration="${ESB_MANAGER_CONFIGURATION:-release}"
        scratch="${ESB_STATIC_BUILD_PATH:-.build/static}"
        for product in esb-gateway esb-manager esb; do
            configuration=release
            [[ "$product" == esb-manager ]] && configuration="$manager_configuration"
            swift_args=(-c "$configuration" --static-swift-stdlib --scratch-path "$scratch")
            say "swift build ${swift_args[*]} --product $product"
            swift build "${swift_args[@]}" --product "$product" 2>&1 | grep -E 'error|warning: |Build' >&2 || true
            test "${PIPESTATUS[0]}" -eq 0
        done
        mkdir -p deploy/bin
        bin="$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)"
        manager_bin="$(swift build -c "$manager_configuration" --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)"
        # cp to a temporary name + mv: a running container or docker build never sees half a file.
        cp "$bin/esb-gateway" deploy/bin/.esb-gateway.tmp && mv deploy/bin/.esb-gateway.tmp deploy/bin/esb-gateway
        cp "$manager_bin/esb-manager" deploy/bin/.esb-manager.tmp && mv deploy/bin/.esb-manager.tmp deploy/bin/esb-manager
        # The CLI too: the DinD image runs `esb build` for a mounted project (deploy/dind/entrypoint.sh).
        cp "$bin/esb" deploy/bin/.esb.tmp && mv deploy/bin/.esb.tmp deploy/bin/esb
    fi
    for product in esb-gateway esb-manager; do
        [[ -x deploy/bin/$product ]] || { say "deploy/bin/$product is missing (drop --no-swift-build)"; exit 1; }
    done
    for role in gateway manager; do
        say "docker build --target $role --build-arg BINARIES=host -t esb-$role:$tag (RUNTIME_IMAGE=$runtime_image)"
        docker build -q --target "$role" --build-arg BINARIES=host --build-arg SWIFT_IMAGE="$runtime_image" \
            --build-arg RUNTIME_IMAGE="$runtime_image" \
            -t "esb-$role:$tag" . >/dev/null
    done
else
    for role in gateway manager; do
        say "docker build --target $role -t esb-$role:$tag"
        docker build --target "$role" \
            ${SWIFT_IMAGE:+--build-arg SWIFT_IMAGE="$SWIFT_IMAGE"} \
            ${RUNTIME_IMAGE:+--build-arg RUNTIME_IMAGE="$RUNTIME_IMAGE"} \
            -t "esb-$role:$tag" .
    done
fi
say "built esb-gateway:$tag esb-manager:$tag"

if $save; then
    mkdir -p deploy/dind/images
    docker save -o deploy/dind/images/.esb-box.tar.tmp "esb-gateway:$tag" "esb-manager:$tag"
    mv deploy/dind/images/.esb-box.tar.tmp deploy/dind/images/esb-box.tar
    say "saved deploy/dind/images/esb-box.tar; add the storage, database, logs and function image tarballs there too"
fi
