#!/usr/bin/env bash
# build-dind-image.sh — build esb-local/dind:bookworm, the local BOX_IMAGE, without any registry.
#
# The Dockerfile's `box` target (the DinD image and the `app` service's image) is FROM ${BOX_IMAGE} (default
# debian:bookworm-slim, on which it apt-get installs Docker). Where that image or a mirror cannot be reached (these
# test machines, air-gapped sites), this script makes one that already has everything, from Debian packages:
# a bookworm minbase rootfs (debootstrap) with docker.io (dockerd, containerd, runc, iptables), docker-compose 1.29,
# ca-certificates and curl. deploy/dind/entrypoint.sh works with either image (it picks `docker compose` or
# `docker-compose`, and does the cgroup v2 nesting step itself when the image has no `dind` helper).
#
# Usage: tests-e2e/build-dind-image.sh [--force]
#   Without --force it exits at once when the image exists with the same package list. The rootfs is cached as a
#   tarball under tests-e2e/.cache/ (git-ignored). Then:
#     BOX_IMAGE=esb-local/dind:bookworm docker-compose -f docker-compose.dind.yml build
# Environment: DIND_BASE_IMAGE_NAME (default esb-local/dind:bookworm), DEBIAN_MIRROR (default
#   http://deb.debian.org/debian, as build-base-image.sh).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="$HERE/.cache"
IMAGE="${DIND_BASE_IMAGE_NAME:-esb-local/dind:bookworm}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PACKAGES=docker.io,docker-compose,iptables,ca-certificates,curl,procps
FORCE=0
for arg in "$@"; do
    case "$arg" in
        --force|-f) FORCE=1 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done
log() { printf '[build-dind-image] %s\n' "$*" >&2; }

"$HERE/lib/ensure-dockerd.sh"
if [ "$FORCE" -eq 0 ] && [ "$(docker image inspect -f '{{index .Config.Labels "esb.dind-packages"}}' "$IMAGE" 2>/dev/null)" = "$PACKAGES" ]; then
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
ROOTFS_TAR="$CACHE/rootfs-bookworm-minbase-dind-$DEB_ARCH-$(echo "$PACKAGES" | cksum | cut -d' ' -f1).tar"
if [ ! -s "$ROOTFS_TAR" ]; then
    log "debootstrap bookworm minbase ($DEB_ARCH, +$PACKAGES) from $DEBIAN_MIRROR (a few minutes)"
    tmp_rootfs="$(mktemp -d "$CACHE/debootstrap-dind.XXXXXX")"
    trap 'rm -rf "$tmp_rootfs"' EXIT
    debootstrap --variant=minbase --arch="$DEB_ARCH" --include="$PACKAGES" \
        bookworm "$tmp_rootfs" "$DEBIAN_MIRROR" > "$CACHE/debootstrap-dind.log" 2>&1 \
        || { log "debootstrap failed, see $CACHE/debootstrap-dind.log"; tail -n 20 "$CACHE/debootstrap-dind.log" >&2; exit 1; }
    rm -rf "$tmp_rootfs"/var/cache/apt/archives/*.deb "$tmp_rootfs"/var/lib/apt/lists/* "$tmp_rootfs"/var/log/*.log
    # /var/lib/docker is a volume at run time; it must not carry anything from the build.
    rm -rf "$tmp_rootfs"/var/lib/docker/* "$tmp_rootfs"/var/lib/containerd/*
    tar -C "$tmp_rootfs" --numeric-owner -cf "$ROOTFS_TAR.tmp" . && mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
    rm -rf "$tmp_rootfs"; trap - EXIT
fi

log "importing $IMAGE"
old_id="$(docker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
docker import \
    -c 'ENV LANG=C.UTF-8' \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'VOLUME /var/lib/docker' \
    -c 'CMD ["dockerd"]' \
    -c "LABEL esb.dind-packages=$PACKAGES" \
    -m "esb-local dind (debootstrap bookworm minbase + $PACKAGES)" \
    "$ROOTFS_TAR" "$IMAGE" >/dev/null
if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect -f '{{.Id}}' "$IMAGE")" ]; then
    docker rmi "$old_id" >/dev/null 2>&1 || true
fi
log "built $IMAGE ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
