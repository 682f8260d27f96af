# debootstrap.sh — sourced (not run) by the tests-e2e/build-*.sh scripts that make an image from a Debian bookworm
# minbase rootfs without any registry (base, dind, runtime, toolchain): their shared preamble and steps.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/debootstrap.sh" "$@"
#
# Parses the command line (--force → FORCE=1, -h/--help prints the script's header comment), sets HERE (the
# tests-e2e folder), CACHE (tests-e2e/.cache, git-ignored) and DEBIAN_MIRROR (default http://deb.debian.org/debian),
# makes sure a Docker engine answers, and defines:
#   log TEXT...                          a line on stderr, prefixed with the script's name;
#   debian_arch                          sets DEB_ARCH (amd64, arm64) from `uname -m`;
#   rootfs_tar NAME PACKAGES             the cache path of a rootfs: the package list is part of the key;
#   debootstrap_rootfs TAR PACKAGES LOG [HOOK]
#                                        debootstrap into TAR unless it is cached (apt caches, lists and logs
#                                        removed; HOOK DIR runs on the tree before it is packed);
#   replace_image IMAGE OLD_ID           after an import: drop the image it replaced, log the new size.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"
CACHE="$HERE/.cache"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
_script="${BASH_SOURCE[1]}"

log() { printf '[%s] %s\n' "$(basename "$_script" .sh)" "$*" >&2; }

FORCE=0
for arg in "$@"; do
    case "$arg" in
        --force|-f) FORCE=1 ;;
        # The header comment, after the #! line, up to the first line that is not a comment.
        -h|--help) awk 'NR > 1 { if (!/^#/) exit; print }' "$_script"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done

"$HERE/lib/ensure-dockerd.sh"

debian_arch() {
    case "$(uname -m)" in
        x86_64|amd64)  DEB_ARCH=amd64 ;;
        aarch64|arm64) DEB_ARCH=arm64 ;;
        *) log "unsupported architecture $(uname -m)"; exit 1 ;;
    esac
}

rootfs_tar() {
    echo "$CACHE/rootfs-bookworm-minbase-$1-$DEB_ARCH-$(echo "$2" | cksum | cut -d' ' -f1).tar"
}

debootstrap_rootfs() {
    local tar="$1" packages="$2" logfile="$CACHE/$3.log" hook="${4:-}"
    mkdir -p "$CACHE"
    [ -s "$tar" ] && return 0
    if ! command -v debootstrap >/dev/null 2>&1; then
        log "installing debootstrap with apt-get"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
    fi
    log "debootstrap bookworm minbase ($DEB_ARCH, +$packages) from $DEBIAN_MIRROR (a minute or a few)"
    _tmp_rootfs="$(mktemp -d "$CACHE/$3.XXXXXX")"
    trap 'rm -rf "$_tmp_rootfs"' EXIT
    debootstrap --variant=minbase --arch="$DEB_ARCH" --include="$packages" \
        bookworm "$_tmp_rootfs" "$DEBIAN_MIRROR" > "$logfile" 2>&1 \
        || { log "debootstrap failed, see $logfile"; tail -n 20 "$logfile" >&2; exit 1; }
    rm -rf "$_tmp_rootfs"/var/cache/apt/archives/*.deb "$_tmp_rootfs"/var/lib/apt/lists/* "$_tmp_rootfs"/var/log/*.log
    [ -z "$hook" ] || "$hook" "$_tmp_rootfs"
    tar -C "$_tmp_rootfs" --numeric-owner -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf "$_tmp_rootfs"; trap - EXIT
}

replace_image() {
    local image="$1" old_id="$2"
    if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect -f '{{.Id}}' "$image")" ]; then
        docker rmi "$old_id" >/dev/null 2>&1 || true
    fi
    log "built $image ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
}
