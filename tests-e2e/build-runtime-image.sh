#!/usr/bin/env bash
# build-runtime-image.sh — build esb-local/runtime:bookworm without any container registry.
#
# A Debian bookworm minbase rootfs (debootstrap) with the shared libraries the esb-gateway / esb-manager
# binaries load (libssl3, libcurl4, libyaml-0-2; libstdc++6 and glibc come with minbase) plus curl (the health
# checks), bash and ca-certificates. The Dockerfile's *-prebuilt targets copy host-built binaries onto it
# (scripts/build-images.sh --prebuilt); it is the local stand-in for RUNTIME_IMAGE=debian:bookworm-slim.
#
# Usage: tests-e2e/build-runtime-image.sh [--force]
#   Without --force it exits at once when the image exists with the same package list (label
#   esb.runtime-packages). The debootstrap rootfs is cached as a tarball under
#   tests-e2e/.cache/ (git-ignored), so a forced rebuild takes seconds.
# Environment: RUNTIME_IMAGE_NAME (default esb-local/runtime:bookworm), DEBIAN_MIRROR (default
#   http://deb.debian.org/debian — the same variable and default as build-base-image.sh).
source "$(dirname "${BASH_SOURCE[0]}")/lib/debootstrap.sh" "$@"   # HERE, CACHE, DEBIAN_MIRROR, FORCE, log
IMAGE="${RUNTIME_IMAGE_NAME:-esb-local/runtime:bookworm}"
PACKAGES=libssl3,libcurl4,libyaml-0-2,ca-certificates,bash,curl
if [ "$FORCE" -eq 0 ] && [ "$(docker image inspect -f '{{index .Config.Labels "esb.runtime-packages"}}' "$IMAGE" 2>/dev/null)" = "$PACKAGES" ]; then
    log "$IMAGE already exists (use --force to rebuild)"
    exit 0
fi

debian_arch
# The package list is part of the cache key: adding a library rebuilds the rootfs.
app_folders() { mkdir -p "$1/app/config/ssl" "$1/run/esb"; }
ROOTFS_TAR="$(rootfs_tar runtime "$PACKAGES")"
debootstrap_rootfs "$ROOTFS_TAR" "$PACKAGES" debootstrap-runtime app_folders

log "importing $IMAGE"
old_id="$(docker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
docker import \
    -c 'ENV LANG=C.UTF-8' \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'WORKDIR /app' \
    -c 'CMD ["bash"]' \
    -c "LABEL esb.runtime-packages=$PACKAGES" \
    -m "esb-local runtime (debootstrap bookworm minbase + $PACKAGES)" \
    "$ROOTFS_TAR" "$IMAGE" >/dev/null
replace_image "$IMAGE" "$old_id"
