#!/usr/bin/env bash
# setup.sh — everything the end-to-end tests need on this machine, in one idempotent step (CI and developers).
#
#   1. scripts/install-packages.sh: the build and test packages that are missing (Debian 12, as root)
#   2. Python test dependencies (boto3, pytest, pytest-timeout, moto[server]) via pip when missing
#   3. lib/ensure-dockerd.sh        — a Docker engine that answers `docker info`
#   4. build-base-image.sh          — esb-local/lambda-python:3.11 (+ :latest), no registry needed
#   5. build-fixture-images.sh      — esb-test/echo:latest (skipped when unchanged)
#   6. lib/start-moto.sh            — moto on 127.0.0.1:${MOTO_PORT:-5005}, the S3/DynamoDB stand-in
#
# A second run with everything in place takes a couple of seconds and changes nothing.
# Usage: tests-e2e/setup.sh [--force]   (--force rebuilds the base and fixture images)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FORCE=()
for arg in "$@"; do
    case "$arg" in
        --force|-f) FORCE=(--force) ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done

say() { printf '[setup] %s\n' "$*"; }
now() { date +%s.%N; }
step() {   # step "description" command...
    local t0; t0="$(now)"
    "${@:2}"
    say "$(awk -v d="$1" -v a="$t0" -v b="$(now)" 'BEGIN { printf "%-52s %6.1f s", d, b - a }')"
}

export DEBIAN_FRONTEND=noninteractive
export PIP_ROOT_USER_ACTION=ignore
# A fresh Debian python3 refuses pip installs outside a venv (PEP 668); the tests want them system-wide.
export PIP_BREAK_SYSTEM_PACKAGES=1

have_py_modules() {   # fast check (no imports) that python3 finds every named module
    command -v python3 >/dev/null 2>&1 && python3 - "$@" <<'PY'
import importlib.util, sys
sys.exit(0 if all(importlib.util.find_spec(m) for m in sys.argv[1:]) else 1)
PY
}

apt_packages() {   # the one list of Debian packages, shared with .ci/run and scripts/run-box.sh
    "$HERE/../scripts/install-packages.sh"
}

python_deps() {
    if have_py_modules boto3 pytest pytest_timeout moto flask flask_cors samtranslator yaml; then
        return 0
    fi
    # aws-sam-translator: the oracle of test_cli_generate_vs_sam_translator.py (AWS's own SAM transform).
    say "pip install boto3 pytest pytest-timeout moto[server] aws-sam-translator pyyaml"
    python3 -m pip install -q boto3 pytest pytest-timeout 'moto[server]' aws-sam-translator pyyaml
}

step "system packages (scripts/install-packages.sh)" apt_packages
step "python test deps (boto3, pytest, pytest-timeout, moto[server], aws-sam-translator)" python_deps
step "docker engine" "$HERE/lib/ensure-dockerd.sh"
step "base image esb-local/lambda-python:3.11" "$HERE/build-base-image.sh" ${FORCE[@]+"${FORCE[@]}"}
step "fixture images (esb-test/*)" "$HERE/build-fixture-images.sh" ${FORCE[@]+"${FORCE[@]}"}
step "moto on 127.0.0.1:${MOTO_PORT:-5005}" "$HERE/lib/start-moto.sh"

say "ready: docker $(docker version --format '{{.Server.Version}}'), images:"
docker image ls --format '{{.Repository}}:{{.Tag}}  {{.ID}}  {{.Size}}' \
    | grep -E '^(esb-local/lambda-python|esb-test/)' | sed 's/^/    /' || true
say "moto: http://127.0.0.1:${MOTO_PORT:-5005} (containers: http://<bridge gateway>:${MOTO_PORT:-5005})"
