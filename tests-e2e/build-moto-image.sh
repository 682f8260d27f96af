#!/usr/bin/env bash
# build-moto-image.sh — build esb-local/moto:latest, the S3 + DynamoDB stand-in of docker-compose.test.yml.
#
# moto's server stands in for RustFS (S3) and ScyllaDB Alternator (DynamoDB) in the compose test stack: their
# images cannot be pulled on machines without a registry. The image is the local Lambda base image
# (esb-local/lambda-python:3.11, Debian's python3.11; built by build-base-image.sh) plus moto installed ON THE
# HOST with pip --target into tests-e2e/moto/.site (git-ignored; a dot folder, so pytest does not collect the
# tests shipped inside the installed packages) and copied in: containers here cannot reach the
# package index, which is also how an air-gapped site would do it.
#
# Usage: tests-e2e/build-moto-image.sh [--force]
#   Without --force it exits at once when the image exists and carries the same package-spec label.
# Environment: MOTO_SPEC (pip requirement for moto, default 'moto[s3,dynamodb]==5.2.5'),
#   MOTO_BASE_IMAGE (default esb-local/lambda-python:3.11).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
IMAGE=esb-local/moto:latest
BASE="${MOTO_BASE_IMAGE:-esb-local/lambda-python:3.11}"
# Only the S3 and DynamoDB backends plus the server's Flask deps: moto[server] would add ~100 MB (cfn-lint, sympy).
MOTO_SPEC="${MOTO_SPEC:-moto[s3,dynamodb]==5.2.5}"
SPEC="$MOTO_SPEC flask flask-cors"
FORCE=0
for arg in "$@"; do
    case "$arg" in
        --force|-f) FORCE=1 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done
log() { printf '[build-moto-image] %s\n' "$*" >&2; }

"$HERE/lib/ensure-dockerd.sh"
if [ "$FORCE" -eq 0 ] && [ "$(docker image inspect -f '{{index .Config.Labels "esb.moto-spec"}}' "$IMAGE" 2>/dev/null)" = "$SPEC" ]; then
    log "$IMAGE already exists (use --force to rebuild)"
    exit 0
fi
docker image inspect "$BASE" >/dev/null 2>&1 || "$HERE/build-base-image.sh"

SITE="$HERE/moto/.site"
if [ "$(cat "$SITE/.spec" 2>/dev/null)" != "$SPEC" ]; then
    log "pip install --target moto/.site $SPEC"
    rm -rf "$SITE"
    pip_args=(--no-compile --no-warn-conflicts --target "$SITE")
    # The image runs Debian's CPython 3.11: a host 3.11 on the same architecture installs matching wheels as
    # is; any other host Python must ask for cp311 manylinux wheels explicitly.
    if ! python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
        plat="$(uname -m)"
        pip_args+=(--only-binary=:all: --implementation cp --python-version 3.11 --abi cp311 --abi abi3 --abi none
                   --platform "manylinux2014_$plat" --platform "manylinux_2_17_$plat" --platform "manylinux_2_28_$plat"
                   --platform any)
    fi
    # shellcheck disable=SC2086  # SPEC is a list of requirements
    PIP_ROOT_USER_ACTION=ignore PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install -q "${pip_args[@]}" $SPEC >&2
    rm -rf "$SITE/bin"    # console scripts with host shebangs
    echo "$SPEC" > "$SITE/.spec"
fi

old_id="$(docker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
DOCKER_BUILDKIT=0 docker build -q --network none --build-arg BASE_IMAGE="$BASE" --label "esb.moto-spec=$SPEC" \
    -t "$IMAGE" "$HERE/moto" >/dev/null
if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect -f '{{.Id}}' "$IMAGE")" ]; then
    docker rmi "$old_id" >/dev/null 2>&1 || true
fi
log "built $IMAGE ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
