#!/usr/bin/env bash
# async-admission.sh — how fast the gateway accepts asynchronous (`Event`) invocations now that each one is written
# and fdatasync'ed to the event spool before its 202 (docs/async-invocations.md), next to the synchronous path in
# the same run:
#   * RequestResponse through the Invoke API (the function runs; 200);
#   * Event with the spool on this machine's disk (202 after the group-committed fdatasync);
#   * Event with the spool on tmpfs (/dev/shm: fdatasync costs nothing), which isolates the fsync cost;
# with one client (no batching possible: one fdatasync per event) and with several (group commit), and the
# events-per-fdatasync ratio read from the gateway's metrics.
# Real processes: esb-manager, the release build of esb-gateway, real RIE workers (esb-test/echo); wrk as the
# load generator (Debian package). Prints figures; asserts nothing.
#
#   bench/async-admission.sh [--no-setup] [--no-build] [--duration SECONDS] [--clients N]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SETUP=1 BUILD=1 DURATION=8 CLIENTS=16
while [ $# -gt 0 ]; do
    case "$1" in
        --no-setup) SETUP=0 ;;
        --no-build) BUILD=0 ;;
        --duration) DURATION="$2"; shift ;;
        --clients) CLIENTS="$2"; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
[ "$SETUP" = 1 ] && "$ROOT/tests-e2e/setup.sh" >/dev/null
if ! command -v wrk >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
if [ "$BUILD" = 1 ]; then
    (cd "$ROOT" && swift build --product esb-manager >/dev/null && swift build -c release --product esb-gateway >/dev/null)
fi
ESB_MANAGER_BIN="${ESB_MANAGER_BIN:-$(cd "$ROOT" && swift build --show-bin-path)/esb-manager}" \
ESB_BIN_DIR="$(cd "$ROOT" && swift build -c release --show-bin-path)" \
    exec python3 "$ROOT/bench/async_admission.py" --duration "$DURATION" --clients "$CLIENTS"
