#!/usr/bin/env bash
# Runs every test: the Swift build (zero warnings), the Swift test suites (unit + integration over real
# sockets, real TLS, the real Docker engine and the real Lambda RIE), the Python runtime-patch tests and
# the end-to-end suites. Needs root (it starts dockerd when none runs).
#
# Every stage runs even when an earlier one failed (a Swift failure must not hide the pytest results); the
# script fails at the end, naming the stages that failed. Each stage has a time limit, and so has each test
# (Swift: `.timeLimit` on the suites that touch sockets or Docker; pytest: pytest-timeout), so a hang fails
# the run instead of stalling it.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
stage() {   # stage NAME SECONDS command...
    local name="$1" limit="$2"
    shift 2
    echo "== $name"
    local t0=$SECONDS
    timeout --kill-after=30 "$limit" "$@"
    local status=$?
    if ((status != 0)); then
        if ((status == 124 || status == 137)); then
            echo "FAIL: $name did not finish within $limit s" >&2
            # swift test runs its test binary in a process group of its own: the timeout does not reach it.
            pkill -KILL -f "$PWD/.build/.*\.xctest" 2>/dev/null || true
        fi
        failed+=("$name")
    fi
    echo "== $name: exit $status after $((SECONDS - t0)) s"
    return 0
}

if ! tests-e2e/setup.sh; then
    echo "FAIL: tests-e2e/setup.sh (nothing else can run)" >&2
    exit 1
fi
# Empty Lambda networks that a crashed earlier run left (a run removes its own at exit): Docker's address pool is
# small. A network in use by a run going on right now keeps its containers, and `docker network rm` refuses it.
docker network ls -q --filter name=^esb-testnet- | xargs -r docker network rm >/dev/null 2>&1 || true

echo "== swift build (warnings are errors)"
build_log=$(mktemp)
timeout 1800 swift build --build-tests 2>&1 | tee "$build_log"
if ((PIPESTATUS[0] != 0)); then
    echo "FAIL: the build failed; nothing else can run" >&2
    exit 1
fi
if grep -E ': warning:' "$build_log" | grep -v '/\.build/checkouts/' >/dev/null; then
    echo "FAIL: the build has warnings" >&2
    failed+=("swift build (warnings)")
fi
# C imports and unsafe code only in the boundary modules (docs/architecture.md, "The C boundary").
stage "C boundary" 60 python3 scripts/check-boundary.py
# Neither daemon links Foundation or ICU (docs/performance.md, "Memory").
stage "daemon links" 60 scripts/check-daemon-links.sh
# Swift formatting as the committed .swift-format says (scripts/check-format.sh --fix formats).
stage "swift format" 300 scripts/check-format.sh
swift_test_log=$(mktemp)
stage "swift test" 2400 bash -c 'swift test --skip-build 2>&1 | tee "$0"; exit "${PIPESTATUS[0]}"' "$swift_test_log"
# The event builder and result mapper under libFuzzer for a bounded time (docs/events-and-auth.md, "Fuzzing").
stage "fuzz events" 600 fuzz/run-events-fuzz.sh "${ESB_FUZZ_SECONDS:-60}"

# The local images the compose and DinD tests build the box from (toolchain, runtime, dind, moto, Lambda SDK base):
# idempotent, minutes on a fresh machine and a second once they exist, so their time is not charged to one test.
prepare_compose_images() {
    local script
    for script in build-toolchain-image.sh build-runtime-image.sh build-dind-image.sh build-moto-image.sh \
        build-lambda-sdk-image.sh; do
        tests-e2e/$script || return 1
    done
}
export -f prepare_compose_images
stage "images for the compose tests" 3000 bash -c prepare_compose_images

for suite in tests-python tests-e2e; do
    if [[ -d "$suite" ]] && compgen -G "$suite/test_*.py" >/dev/null; then
        stage "pytest $suite" 3600 python3 -m pytest -q --timeout=600 --durations=15 "$suite"
    fi
done
# The whole box inside one DinD container (saves and loads ~600 MB of images): its own pass after the others.
stage "DinD end to end" 1200 env ESB_E2E_DIND=1 python3 -m pytest -q --timeout=900 tests-e2e/test_compose_dind.py

if ((${#failed[@]})); then
    # Only the end of a CI log may be kept: repeat what failed in the Swift suites here, at the end.
    if grep -qE '✘|error:' "$swift_test_log"; then
        echo "== swift test failures (repeated from above)" >&2
        grep -E '✘|error:|recorded an issue' "$swift_test_log" | head -60 >&2
    fi
    echo "== FAILED stages: ${failed[*]}" >&2
    exit 1
fi
echo "== all tests passed"
