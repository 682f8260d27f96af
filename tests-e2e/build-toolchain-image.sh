#!/usr/bin/env bash
# build-toolchain-image.sh — build esb-local/swift:6.3-bookworm, a local stand-in for swift:6.3-bookworm.
#
# The repository's Dockerfile compiles inside SWIFT_IMAGE (default swift:6.3-bookworm). Where that image cannot be
# pulled (these test machines, air-gapped sites) this script makes one from what the machine already has, so the
# tests build the gateway and manager images FROM SOURCE with the real Dockerfile (docs/deployment.md "Source build
# without a registry"):
#   - a Debian bookworm minbase rootfs (debootstrap) with the toolchain's system libraries and the build packages
#     (libssl-dev, libcurl4-openssl-dev, libyaml-dev, pkg-config, git, ...);
#   - the installed toolchain directory (SWIFT_TOOLCHAIN, default: the one `swift` on PATH runs from), without
#     what a build never runs (lldb, sourcekit, docc, clangd, swift-format, the embedded stdlib);
#   - the git repositories of the packages Package.swift names, from the machine's local package mirror, and the
#     same `url.<mirror>.insteadOf` rewrite (from `git config --system`), since a container cannot reach the
#     package hosts.
# Usage: tests-e2e/build-toolchain-image.sh [--force]
#   Without --force it exits at once when the image exists with the same cache key (label esb.toolchain-key:
#   toolchain version + package list + mirrored repositories). The rootfs is cached under tests-e2e/.cache/.
# Environment: TOOLCHAIN_IMAGE_NAME (default esb-local/swift:6.3-bookworm), SWIFT_TOOLCHAIN, DEBIAN_MIRROR
#   (default http://deb.debian.org/debian, as build-base-image.sh).
source "$(dirname "${BASH_SOURCE[0]}")/lib/debootstrap.sh" "$@"   # HERE, CACHE, DEBIAN_MIRROR, FORCE, log
REPO="$(cd "$HERE/.." && pwd)"
IMAGE="${TOOLCHAIN_IMAGE_NAME:-esb-local/swift:6.3-bookworm}"
# What the official swift bookworm image installs (its runtime dependencies) + the project's build packages.
PACKAGES=binutils,ca-certificates,git,libc6-dev,libcurl4-openssl-dev,libedit2,libgcc-12-dev,libncurses6,libsqlite3-0,libssl-dev,libstdc++-12-dev,libxml2,libyaml-dev,libz3-4,pkg-config,tzdata,zlib1g-dev,libuuid1,libicu72

if [ -z "${SWIFT_TOOLCHAIN:-}" ]; then
    swift_bin="$(readlink -f "$(command -v swift)")"          # <toolchain>/usr/bin/swift-driver
    SWIFT_TOOLCHAIN="$(dirname "$(dirname "$(dirname "$swift_bin")")")"
fi
[ -x "$SWIFT_TOOLCHAIN/usr/bin/swift-frontend" ] || { log "no toolchain at $SWIFT_TOOLCHAIN"; exit 1; }

# The package mirror: every `url.<dir>.insteadOf=https://github.com/` rewrite of the system git configuration.
MIRROR="$(git config --system --get-regexp '^url\..*\.insteadof$' 2>/dev/null \
    | awk '$2 == "https://github.com/" { sub(/^url\./, "", $1); sub(/\.insteadof$/, "", $1); print $1; exit }')"
# The repositories the build needs, as OWNER/NAME.git in the mirror: the ones the manifest names and, through
# Package.resolved, the ones those depend on (swift-prometheus needs swift-metrics and swift-atomics).
if [ ! -f "$REPO/Package.resolved" ]; then
    (cd "$REPO" && swift package resolve >/dev/null 2>&1) || log "swift package resolve failed: only direct dependencies"
fi
REPOS=()
while read -r slug; do
    [ -n "$slug" ] && REPOS+=("$slug.git")
done < <({ cat "$REPO/Package.swift"; cat "$REPO/Package.resolved" 2>/dev/null; } \
    | grep -oE 'https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+' | sed -e 's#https://github.com/##' -e 's#\.git$##' | sort -u)
if [ "${#REPOS[@]}" -gt 0 ] && [ -z "$MIRROR" ]; then
    log "Package.swift names ${REPOS[*]} but git has no url.<mirror>.insteadOf rewrite: the build would need the network"
fi

swift_version="$("$SWIFT_TOOLCHAIN/usr/bin/swift-frontend" -version 2>/dev/null | head -n 1)"
mirror_heads=""
for r in "${REPOS[@]}"; do
    [ -n "$MIRROR" ] && mirror_heads+="$(git --git-dir="$MIRROR/$r" rev-parse HEAD 2>/dev/null || echo none)"
done
KEY="$(printf '%s|%s|%s|%s' "$swift_version" "$PACKAGES" "${REPOS[*]}" "$mirror_heads" | cksum | cut -d' ' -f1)"

if [ "$FORCE" -eq 0 ] && [ "$(docker image inspect -f '{{index .Config.Labels "esb.toolchain-key"}}' "$IMAGE" 2>/dev/null)" = "$KEY" ]; then
    log "$IMAGE already exists (use --force to rebuild)"
    exit 0
fi

debian_arch
ROOTFS_TAR="$(rootfs_tar toolchain "$PACKAGES")"
debootstrap_rootfs "$ROOTFS_TAR" "$PACKAGES" debootstrap-toolchain

# The image's filesystem: the rootfs, the toolchain under /usr (where the official image has it), the mirrored
# repositories and a system git configuration with the rewrite. Streamed into `docker import`, no second copy.
extra="$(mktemp -d)"
mkdir -p "$extra/etc"
if [ -n "$MIRROR" ]; then
    mkdir -p "$extra/opt/swift-packages"
    for r in "${REPOS[@]}"; do
        mkdir -p "$extra/opt/swift-packages/$(dirname "$r")"
        git clone -q --mirror "$MIRROR/$r" "$extra/opt/swift-packages/$r"
    done
    {
        echo '[url "/opt/swift-packages/"]'
        echo '	insteadOf = https://github.com/'
        echo '	insteadOf = git@github.com:'
    } > "$extra/etc/gitconfig"
fi

log "importing $IMAGE (toolchain $SWIFT_TOOLCHAIN: $swift_version)"
old_id="$(docker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
# What a build never runs: the debugger, sourcekit, docc, clangd, swift-format, wasmkit, the embedded stdlib.
prune=(./usr/bin/lldb ./usr/bin/lldb-argdumper ./usr/bin/lldb-dap ./usr/bin/lldb-server ./usr/bin/repl_swift
       ./usr/bin/sourcekit-lsp ./usr/bin/clangd ./usr/bin/docc ./usr/bin/swift-format ./usr/bin/wasmkit
       ./usr/share/docc ./usr/lib/swift/embedded)
find_args=()
for p in "${prune[@]}"; do find_args+=(-path "$p" -prune -o); done
# One archive (docker import reads one and refuses duplicate paths): a copy of the cached rootfs, then every
# mirror and toolchain entry the rootfs does not already have (directories such as ./usr/bin are shared).
work="$(mktemp -d)"
trap 'rm -rf "$extra" "$work"' EXIT
tar -tf "$ROOTFS_TAR" | sed 's#/$##' | LC_ALL=C sort -u > "$work/rootfs.list"
(cd "$extra" && find . -mindepth 1) | LC_ALL=C sort > "$work/extra.list"
(cd "$SWIFT_TOOLCHAIN" && find ./usr "${find_args[@]}" -print) | grep -v -e '/liblldb' -e '/libsourcekitdInProc' \
    -e '/libSwiftSourceKit' | LC_ALL=C sort > "$work/toolchain.list"
cp "$ROOTFS_TAR" "$CACHE/toolchain-image.tar"
LC_ALL=C comm -23 "$work/extra.list" "$work/rootfs.list" > "$work/extra.add"
LC_ALL=C comm -23 "$work/toolchain.list" "$work/rootfs.list" > "$work/toolchain.add"
tar -C "$extra" --numeric-owner --owner=0 --group=0 --no-recursion -rf "$CACHE/toolchain-image.tar" -T "$work/extra.add"
tar -C "$SWIFT_TOOLCHAIN" --numeric-owner --owner=0 --group=0 --no-recursion -rf "$CACHE/toolchain-image.tar" \
    -T "$work/toolchain.add"
docker import \
    -c 'ENV LANG=C.UTF-8' \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'CMD ["bash"]' \
    -c "LABEL esb.toolchain-key=$KEY" \
    -m "esb-local swift toolchain ($swift_version; debootstrap bookworm minbase + build packages)" \
    "$CACHE/toolchain-image.tar" "$IMAGE" >/dev/null
rm -f "$CACHE/toolchain-image.tar"
replace_image "$IMAGE" "$old_id"
