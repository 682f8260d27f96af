#!/usr/bin/env bash
# Builds the esb-gateway and esb-manager images.
#   scripts/build-images.sh              compile inside SWIFT_IMAGE (needs a registry or a local swift image)
#   scripts/build-images.sh --prebuilt   compile on this host (--static-swift-stdlib) and copy the binaries
#                                        onto RUNTIME_IMAGE (default: the local esb-local/runtime:bookworm,
#                                        built with debootstrap when missing): no registry needed
#   --save                               also `docker save` both images into deploy/dind/images/ for the
#                                        docker-compose.dind.yml variant
set -euo pipefail
cd "$(dirname "$0")/.."

prebuilt=false save=false
for arg in "$@"; do
    case "$arg" in
        --prebuilt) prebuilt=true ;;
        --save) save=true ;;
        *) echo "usage: $0 [--prebuilt] [--save]" >&2; exit 2 ;;
    esac
done

if $prebuilt; then
    runtime_image=${RUNTIME_IMAGE:-esb-local/runtime:bookworm}
    [[ "$runtime_image" == esb-local/runtime:bookworm ]] && tests-e2e/build-runtime-image.sh
    swift build -c release --static-swift-stdlib --product esb-gateway
    swift build -c release --static-swift-stdlib --product esb-manager
    mkdir -p deploy/bin
    cp "$(swift build -c release --show-bin-path)"/esb-{gateway,manager} deploy/bin/
    docker build -q --target gateway-prebuilt --build-arg RUNTIME_IMAGE="$runtime_image" -t esb-gateway:latest .
    docker build -q --target manager-prebuilt --build-arg RUNTIME_IMAGE="$runtime_image" -t esb-manager:latest .
else
    docker build --target gateway -t esb-gateway:latest .
    docker build --target manager -t esb-manager:latest .
fi
echo "built esb-gateway:latest esb-manager:latest"

if $save; then
    mkdir -p deploy/dind/images
    docker save -o deploy/dind/images/esb-images.tar esb-gateway:latest esb-manager:latest
    echo "saved deploy/dind/images/esb-images.tar (add storage/database/logs/function image tarballs there too)"
fi
