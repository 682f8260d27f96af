#!/usr/bin/env bash
# build-base-image.sh — build the local AWS-Lambda-compatible Python base image without any container registry.
#
#   esb-local/lambda-python:3.11   (also tagged esb-local/lambda-python:latest)
#
# Recipe (see docs/TESTING.md):
#   * Debian bookworm minbase rootfs made by debootstrap, with python3 (3.11) + ca-certificates;
#   * the REAL AWS Lambda Runtime Interface Emulator, taken from the aws-sam-cli wheel
#     (samcli/local/rapid/aws-lambda-rie-<arch>) → /usr/local/bin/aws-lambda-rie;
#   * the real Python runtime interface client (awslambdaric, cp311 manylinux wheels) + boto3 in /var/runtime;
#   * a layout mirroring public.ecr.aws/lambda/python so generated Dockerfiles work with either base:
#     /var/task (WORKDIR), /var/runtime, /opt, /lambda-entrypoint.sh (ENTRYPOINT), /var/lang/bin/python3,
#     /var/lang/lib/python3.11/site-packages on the default sys.path (a .pth file in Debian's dist-packages), so a
#     sitecustomize.py dropped there is imported at interpreter start-up (Debian's own stub sitecustomize.py,
#     which would shadow it, is removed).
#
# Usage: tests-e2e/build-base-image.sh [--force]
#   Without --force it exits at once when the image already exists. Downloads, the debootstrap rootfs tarball and
#   the pip-installed runtime are cached under tests-e2e/.cache/ (git-ignored), so a forced rebuild is quick.
# Environment: BASE_IMAGE (default esb-local/lambda-python), DEBIAN_MIRROR (default http://deb.debian.org/debian),
#   AWS_SAM_CLI_VERSION, AWSLAMBDARIC_VERSION, BOTO3_VERSION (pins, see below).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/debootstrap.sh" "$@"   # HERE, CACHE, DEBIAN_MIRROR, FORCE, log
IMAGE="${BASE_IMAGE:-esb-local/lambda-python}"
TAG="3.11"
AWS_SAM_CLI_VERSION="${AWS_SAM_CLI_VERSION:-1.170.0}"     # ships the RIE binaries
AWSLAMBDARIC_VERSION="${AWSLAMBDARIC_VERSION:-4.2.2}"     # publishes cp311 manylinux wheels
BOTO3_VERSION="${BOTO3_VERSION:-}"                         # empty = newest


# Bump when the image's layout changes so existing machines rebuild it without --force.
LAYOUT_VERSION=2
if [ "$FORCE" -eq 0 ] && [ "$(docker image inspect -f '{{index .Config.Labels "esb.base-layout"}}' "$IMAGE:$TAG" 2>/dev/null)" = "$LAYOUT_VERSION" ]; then
    docker image inspect "$IMAGE:latest" >/dev/null 2>&1 || docker tag "$IMAGE:$TAG" "$IMAGE:latest"
    log "$IMAGE:$TAG already exists (use --force to rebuild)"
    exit 0
fi

debian_arch
case "$DEB_ARCH" in
    amd64) RIE_ARCH=x86_64; PIP_PLAT=x86_64 ;;
    arm64) RIE_ARCH=arm64;  PIP_PLAT=aarch64 ;;
esac

if ! command -v unzip >/dev/null 2>&1; then
    log "installing unzip with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || true
    apt-get install -y -qq unzip >&2
fi
PIP=(python3 -m pip)
"${PIP[@]}" --version >/dev/null 2>&1 || { log "python3 -m pip is required"; exit 1; }

mkdir -p "$CACHE/downloads"

# 1. The real RIE, out of the aws-sam-cli wheel. -------------------------------------------------------------------
RIE="$CACHE/aws-lambda-rie-$RIE_ARCH-sam-$AWS_SAM_CLI_VERSION"
if [ ! -x "$RIE" ]; then
    whl="$(ls "$CACHE"/downloads/aws_sam_cli-"$AWS_SAM_CLI_VERSION"-*.whl 2>/dev/null | head -n1 || true)"
    if [ -z "$whl" ]; then
        log "downloading the aws-sam-cli $AWS_SAM_CLI_VERSION wheel (for its RIE binary)"
        "${PIP[@]}" download -q --no-deps --only-binary=:all: "aws-sam-cli==$AWS_SAM_CLI_VERSION" -d "$CACHE/downloads"
        whl="$(ls "$CACHE"/downloads/aws_sam_cli-"$AWS_SAM_CLI_VERSION"-*.whl | head -n1)"
    fi
    unzip -p "$whl" "samcli/local/rapid/aws-lambda-rie-$RIE_ARCH" > "$RIE.tmp"
    chmod 0755 "$RIE.tmp" && mv "$RIE.tmp" "$RIE"
fi

# 2. Debian bookworm minbase rootfs (cached as a tarball). -----------------------------------------------------
# (The cache name predates rootfs_tar; kept so machines that have it do not debootstrap again.)
ROOTFS_TAR="$CACHE/rootfs-bookworm-minbase-python3-$DEB_ARCH.tar"
debootstrap_rootfs "$ROOTFS_TAR" python3,ca-certificates debootstrap

# 3. awslambdaric + boto3 for CPython 3.11 (cp311 manylinux wheels only), cached. ------------------------------
RUNTIME_DIR="$CACHE/runtime-cp311-$PIP_PLAT-ric-$AWSLAMBDARIC_VERSION"
if [ ! -f "$RUNTIME_DIR/.complete" ]; then
    log "pip install --target runtime: awslambdaric==$AWSLAMBDARIC_VERSION boto3${BOTO3_VERSION:+==$BOTO3_VERSION}"
    rm -rf "$RUNTIME_DIR"
    "${PIP[@]}" install -q --no-compile --no-warn-conflicts --root-user-action=ignore --target "$RUNTIME_DIR" \
        --only-binary=:all: --implementation cp --python-version 3.11 --abi cp311 --abi abi3 --abi none \
        --platform "manylinux2014_$PIP_PLAT" --platform "manylinux_2_17_$PIP_PLAT" \
        --platform "manylinux_2_28_$PIP_PLAT" --platform any \
        "awslambdaric==$AWSLAMBDARIC_VERSION" "boto3${BOTO3_VERSION:+==$BOTO3_VERSION}"
    touch "$RUNTIME_DIR/.complete"
fi

# 4. Assemble the image rootfs and import it. --------------------------------------------------------------------
work="$(mktemp -d "$CACHE/assemble.XXXXXX")"
trap 'rm -rf "$work"' EXIT
R="$work/rootfs"
mkdir -p "$R"
tar -C "$R" -xf "$ROOTFS_TAR"

PYVER="$(ls "$R/usr/lib" | sed -n 's/^python\(3\.[0-9]*\)$/\1/p' | sort -V | tail -n1)"
if [ "$PYVER" != "3.11" ]; then
    log "expected Debian's python3.11 in the rootfs, found '$PYVER'"; exit 1
fi

install -m 0755 "$RIE" "$R/usr/local/bin/aws-lambda-rie"
mkdir -p "$R/var/task" "$R/var/runtime" "$R/opt" "$R/var/lang/bin" "$R/var/lang/lib/python3.11/site-packages"
cp -a "$RUNTIME_DIR/." "$R/var/runtime/"
rm -f "$R/var/runtime/.complete"
rm -rf "$R/var/runtime/bin"   # console scripts with host shebangs; not needed
ln -sf /usr/bin/python3.11 "$R/var/lang/bin/python3"
ln -sf /usr/bin/python3.11 "$R/var/lang/bin/python3.11"
ln -sf /usr/bin/python3.11 "$R/var/lang/bin/python"

# /var/lang/lib/python3.11/site-packages on the default sys.path (as on AWS): a .pth file in a directory that
# site.py always processes. sitecustomize is imported after .pth processing, so a sitecustomize.py placed there is
# found — as long as Debian's own sitecustomize.py (a stub in the stdlib directory, earlier on sys.path) is gone.
mkdir -p "$R/usr/lib/python3/dist-packages"
echo "/var/lang/lib/python3.11/site-packages" > "$R/usr/lib/python3/dist-packages/00-lambda-var-lang.pth"
rm -f "$R/usr/lib/python3.11/sitecustomize.py" "$R/etc/python3.11/sitecustomize.py"

cat > "$R/lambda-entrypoint.sh" <<'ENTRY'
#!/bin/sh
# Entry point of the esb-local Lambda Python base image (mirrors public.ecr.aws/lambda/python's one).
# $1 = handler ("module.function"). Outside Lambda (no AWS_LAMBDA_RUNTIME_API) the real Runtime Interface
# Emulator serves the Invoke API on :8080 and runs the runtime interface client; inside Lambda the RIC runs directly.
if [ $# -lt 1 ]; then
    echo "entrypoint requires the handler name to be the first argument" 1>&2
    exit 142
fi
export _HANDLER="$1"
export PYTHONPATH="/var/task:/opt/python/lib/python3.11/site-packages:/opt/python:/var/runtime${PYTHONPATH:+:$PYTHONPATH}"
if [ -z "${AWS_LAMBDA_RUNTIME_API}" ]; then
    exec /usr/local/bin/aws-lambda-rie /usr/bin/python3 -m awslambdaric "$@"
else
    exec /usr/bin/python3 -m awslambdaric "$@"
fi
ENTRY
chmod 0755 "$R/lambda-entrypoint.sh"

# /var/runtime/bootstrap as on AWS images (used by tools that run the runtime without the entrypoint).
cat > "$R/var/runtime/bootstrap" <<'BOOT'
#!/bin/sh
export PYTHONPATH="/var/task:/opt/python/lib/python3.11/site-packages:/opt/python:/var/runtime${PYTHONPATH:+:$PYTHONPATH}"
exec /usr/bin/python3 -m awslambdaric "${_HANDLER:?_HANDLER is not set}"
BOOT
chmod 0755 "$R/var/runtime/bootstrap"

# Byte-compile the runtime once so cold starts do not pay for it (errors in odd test files are harmless).
chroot "$R" /usr/bin/python3 -m compileall -q /var/runtime >/dev/null 2>&1 || true

log "importing $IMAGE:$TAG"
old_id="$(docker image inspect -f '{{.Id}}' "$IMAGE:$TAG" 2>/dev/null || true)"
tar -C "$R" --numeric-owner -c . | docker import \
    -c 'ENV LAMBDA_TASK_ROOT=/var/task' \
    -c 'ENV LAMBDA_RUNTIME_DIR=/var/runtime' \
    -c 'ENV LANG=C.UTF-8' \
    -c 'ENV TZ=:UTC' \
    -c 'ENV PATH=/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin' \
    -c 'WORKDIR /var/task' \
    -c 'EXPOSE 8080' \
    -c 'ENTRYPOINT ["/lambda-entrypoint.sh"]' \
    -c 'CMD ["lambda_function.lambda_handler"]' \
    -c "LABEL esb.base-layout=$LAYOUT_VERSION" \
    -m "esb-local lambda-python 3.11 (debootstrap bookworm, RIE from aws-sam-cli $AWS_SAM_CLI_VERSION, awslambdaric $AWSLAMBDARIC_VERSION)" \
    - "$IMAGE:$TAG" >/dev/null
docker tag "$IMAGE:$TAG" "$IMAGE:latest"
# Drop the image this one replaced, unless a container or a child image still uses it (then rmi refuses).
if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect -f '{{.Id}}' "$IMAGE:$TAG")" ]; then
    docker rmi "$old_id" >/dev/null 2>&1 || true
fi
log "built $IMAGE:$TAG and $IMAGE:latest ($(docker image inspect -f '{{.Size}}' "$IMAGE:$TAG" | awk '{printf "%.0f MB", $1/1e6}'))"
