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
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="$HERE/.cache"
IMAGE="${RUNTIME_IMAGE_NAME:-esb-local/runtime:bookworm}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PACKAGES=libssl3,libcurl4,libyaml-0-2,ca-certificates,bash,curl
FORCE=0
for arg in "$@"; do
    case "$arg" in
        --force|-f) FORCE=1 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done
log() { printf '[build-runtime-image] %s\n' "$*" >&2; }

"$HERE/lib/ensure-dockerd.sh"
if [ "$FORCE" -eq 0 ] && [ "$(docker image inspect -f '{{index .Config.Labels "esb.runtime-packages"}}' "$IMAGE" 2>/dev/null)" = "$PACKAGES" ]; then
    log "$IMAGE already exists (use --force to rebuild)"
    exit 0
fi

case "$(uname -m)" in
    x86_64|amd64)  DEB_ARCH=amd64 ;;
    aarch64|arm64) DEB_ARCH=arm64 ;;
    *) log "unsupported architecture $(uname -m)"; exit 1 ;;
esac
if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
fi

mkdir -p "$CACHE"
# The package list is part of the cache key: adding a library rebuilds the rootfs.
ROOTFS_TAR="$CACHE/rootfs-bookworm-minbase-runtime-$DEB_ARCH-$(echo "$PACKAGES" | cksum | cut -d' ' -f1).tar"
if [ ! -s "$ROOTFS_TAR" ]; then
    log "debootstrap bookworm minbase ($DEB_ARCH, +$PACKAGES) from $DEBIAN_MIRROR (about a minute)"
    tmp_rootfs="$(mktemp -d "$CACHE/debootstrap-runtime.XXXXXX")"
    trap 'rm -rf "$tmp_rootfs"' EXIT
    debootstrap --variant=minbase --arch="$DEB_ARCH" --include="$PACKAGES" \
        bookworm "$tmp_rootfs" "$DEBIAN_MIRROR" > "$CACHE/debootstrap-runtime.log" 2>&1 \
        || { log "debootstrap failed, see $CACHE/debootstrap-runtime.log"; tail -n 20 "$CACHE/debootstrap-runtime.log" >&2; exit 1; }
    rm -rf "$tmp_rootfs"/var/cache/apt/archives/*.deb "$tmp_rootfs"/var/lib/apt/lists/* "$tmp_rootfs"/var/log/*.log
    mkdir -p "$tmp_rootfs/app/config/ssl" "$tmp_rootfs/run/esb"
    tar -C "$tmp_rootfs" --numeric-owner -cf "$ROOTFS_TAR.tmp" . && mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
    rm -rf "$tmp_rootfs"; trap - EXIT
fi

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
if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect -f '{{.Id}}' "$IMAGE")" ]; then
    docker rmi "$old_id" >/dev/null 2>&1 || true
fi
log "built $IMAGE ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
