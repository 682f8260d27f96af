#!/usr/bin/env bash
# build-fixture-images.sh — build the fixture function images used by the integration / end-to-end tests:
#   esb-test/echo:latest   (tests-e2e/fixtures/echo: event-driven handler, see its lambda_function.py)
# FROM the local base image (build-base-image.sh; override with BASE_IMAGE=...). Rebuilds are cheap (layer cache).
# Usage: tests-e2e/build-fixture-images.sh [--force]   (--force: rebuild without the layer cache)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BASE="${BASE_IMAGE_REF:-esb-local/lambda-python:3.11}"
NOCACHE=()
for arg in "$@"; do
    case "$arg" in
        --force|-f) NOCACHE=(--no-cache) ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done
log() { printf '[build-fixture-images] %s\n' "$*" >&2; }

"$HERE/lib/ensure-dockerd.sh"
docker image inspect "$BASE" >/dev/null 2>&1 || "$HERE/build-base-image.sh"

base_id="$(docker image inspect -f '{{.Id}}' "$BASE")"
for dir in "$HERE"/fixtures/*/; do
    dir="${dir%/}"
    name="$(basename "$dir")"
    [ -f "$dir/Dockerfile" ] || continue
    # Skip the build when the image was made from the same files on the same base image.
    want="$( (echo "$base_id"; cd "$dir" && find . -type f ! -name '*.pyc' -print0 | sort -z | xargs -0 sha256sum) \
             | sha256sum | cut -c1-16)"
    have="$(docker image inspect -f '{{index .Config.Labels "esb.fixture-hash"}}' "esb-test/$name:latest" 2>/dev/null || true)"
    if [ "${#NOCACHE[@]}" -eq 0 ] && [ "$have" = "$want" ]; then
        log "esb-test/$name:latest is up to date"
        continue
    fi
    # The legacy builder is used on purpose: BuildKit (docker-buildx) is not part of Debian's docker.io and would
    # try to resolve the base image in a registry.
    old_id="$(docker image inspect -f '{{.Id}}' "esb-test/$name:latest" 2>/dev/null || true)"
    if ! out="$(DOCKER_BUILDKIT=0 docker build -q ${NOCACHE[@]+"${NOCACHE[@]}"} --build-arg "BASE_IMAGE=$BASE" \
            --label "esb.fixture-hash=$want" -t "esb-test/$name:latest" "$dir" 2>&1)"; then
        printf '%s\n' "$out" >&2; log "building esb-test/$name:latest failed"; exit 1
    fi
    # Drop the replaced image unless something still uses it (rmi refuses then).
    if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect -f '{{.Id}}' "esb-test/$name:latest")" ]; then
        docker rmi "$old_id" >/dev/null 2>&1 || true
    fi
    log "built esb-test/$name:latest"
done
