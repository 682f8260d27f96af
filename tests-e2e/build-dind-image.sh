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
source "$(dirname "${BASH_SOURCE[0]}")/lib/debootstrap.sh" "$@"   # HERE, CACHE, DEBIAN_MIRROR, FORCE, log
IMAGE="${DIND_BASE_IMAGE_NAME:-esb-local/dind:bookworm}"
PACKAGES=docker.io,docker-compose,iptables,ca-certificates,curl,procps
if [ "$FORCE" -eq 0 ] && [ "$(docker image inspect -f '{{index .Config.Labels "esb.dind-packages"}}' "$IMAGE" 2>/dev/null)" = "$PACKAGES" ]; then
    log "$IMAGE already exists (use --force to rebuild)"
    exit 0
fi

debian_arch
# /var/lib/docker is a volume at run time; it must not carry anything from the build.
no_engine_state() { rm -rf "$1"/var/lib/docker/* "$1"/var/lib/containerd/*; }
ROOTFS_TAR="$(rootfs_tar dind "$PACKAGES")"
debootstrap_rootfs "$ROOTFS_TAR" "$PACKAGES" debootstrap-dind no_engine_state

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
replace_image "$IMAGE" "$old_id"
