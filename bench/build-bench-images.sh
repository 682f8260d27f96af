#!/usr/bin/env bash
# build-bench-images.sh — the worker images of bench/proxy-bench.sh, built locally (no registry):
#   esb-bench/trivial-worker:latest  (bench/images/trivial-worker: nginx-light answering a fixed proxy result)
#   esb-bench/hello-worker:latest    (bench/images/hello-worker: the real RIE with a Python hello handler)
# Skipped when the image was built from the same files on the same base image (label esb.bench-hash).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { printf '[build-bench-images] %s\n' "$*" >&2; }

build() {  # build NAME BASE_IMAGE
    local name="$1" base="$2" dir="$HERE/images/$1" want have
    docker image inspect "$base" >/dev/null 2>&1 || { log "base image $base missing (tests-e2e/setup.sh builds it)"; exit 1; }
    want="$( (docker image inspect -f '{{.Id}}' "$base"; cd "$dir" && find . -type f -print0 | sort -z | xargs -0 sha256sum) \
             | sha256sum | cut -c1-16)"
    have="$(docker image inspect -f '{{index .Config.Labels "esb.bench-hash"}}' "esb-bench/$name:latest" 2>/dev/null || true)"
    [ "$have" = "$want" ] && return 0
    # The legacy builder, as tests-e2e/build-fixture-images.sh: BuildKit would look the base image up in a registry.
    if ! out="$(DOCKER_BUILDKIT=0 docker build -q --build-arg "BASE_IMAGE=$base" --label "esb.bench-hash=$want" \
            -t "esb-bench/$name:latest" "$dir" 2>&1)"; then
        printf '%s\n' "$out" >&2; log "building esb-bench/$name:latest failed"; exit 1
    fi
    log "built esb-bench/$name:latest"
}

build trivial-worker "${RUNTIME_IMAGE:-esb-local/runtime:bookworm}"
build hello-worker "${LAMBDA_IMAGE:-esb-local/lambda-python:3.11}"
