#!/usr/bin/env bash
# Builds esb-local/runtime:bookworm: a Debian bookworm rootfs (debootstrap) with the shared libraries the
# gateway and manager binaries load (libssl3, libcurl4, libyaml-0-2), for the *-prebuilt Dockerfile targets
# on machines without a registry. Idempotent: skips when the image exists.
set -euo pipefail
cd "$(dirname "$0")"
image=esb-local/runtime:bookworm
if docker image inspect "$image" >/dev/null 2>&1 && [[ "${1:-}" != "--force" ]]; then
    echo "runtime image: $image already built"
    exit 0
fi
command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
cache=.cache/runtime
rm -rf "$cache" && mkdir -p "$cache"
debootstrap --variant=minbase --include=libssl3,libcurl4,libyaml-0-2,ca-certificates,bash \
    bookworm "$cache/rootfs" >/dev/null
tar -C "$cache/rootfs" -c . | docker import -c 'WORKDIR /app' - "$image" >/dev/null
rm -rf "$cache"
echo "runtime image: $image built"
