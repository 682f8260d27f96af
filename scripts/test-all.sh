#!/usr/bin/env bash
# Runs every test: the Swift build (zero warnings), the Swift test suites (unit + integration over real
# sockets, real TLS, the real Docker engine and the real Lambda RIE), the Python runtime-patch tests and
# the end-to-end suite. Needs root (it starts dockerd when none runs).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -x tests-e2e/setup.sh ]]; then
    tests-e2e/setup.sh
fi

echo "== swift build (warnings are errors)"
build_log=$(mktemp)
swift build --build-tests 2>&1 | tee "$build_log"
if grep -E ': warning:' "$build_log" | grep -v '/\.build/checkouts/' >/dev/null; then
    echo "FAIL: the build has warnings" >&2
    exit 1
fi

echo "== swift test"
swift test --skip-build

for suite in tests-python tests-e2e; do
    if [[ -d "$suite" ]] && compgen -G "$suite/test_*.py" >/dev/null; then
        echo "== pytest $suite"
        python3 -m pytest -q "$suite"
    fi
done
# The whole box inside one DinD container (saves and loads ~600 MB of images): gated out of the main pass.
echo "== DinD end to end"
ESB_E2E_DIND=1 python3 -m pytest -q tests-e2e/test_compose_dind.py

echo "== all tests passed"
