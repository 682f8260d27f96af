#!/usr/bin/env bash
# gateway-latency.sh — what the gateway adds over calling a worker's RIE directly, in one run:
#   * one client, keep-alive: p50/p99 latency of the same invocation direct to the RIE and through the gateway
#     (TLS, JWT check, routing, API Gateway event, proxy-result mapping), and the difference;
#   * several clients: requests/s through the gateway to one function with max_concurrency 4, and GET /health
#     (the gateway alone), next to the single-worker RIE rate.
# Real processes: esb-manager (WORKER_ADDRESS_MODE=published), the release build of esb-gateway, real RIE workers
# (esb-test/echo). Load generator: wrk (Debian package). Prints figures; asserts nothing.
#
#   bench/gateway-latency.sh [--no-setup] [--no-build] [--duration SECONDS] [--clients N]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SETUP=1 BUILD=1 DURATION=8 CLIENTS=8
while [ $# -gt 0 ]; do
    case "$1" in
        --no-setup) SETUP=0 ;;
        --no-build) BUILD=0 ;;
        --duration) DURATION="$2"; shift ;;
        --clients) CLIENTS="$2"; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
[ "$SETUP" = 1 ] && "$ROOT/tests-e2e/setup.sh" >/dev/null
if ! command -v wrk >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
# The gateway is measured in its release build. The Manager is not on the measured (warm) path: it only starts
# the workers, so its debug build does (and is what the test suites use).
if [ "$BUILD" = 1 ]; then
    (cd "$ROOT" && swift build --product esb-manager >/dev/null && swift build -c release --product esb-gateway >/dev/null)
fi
ESB_MANAGER_BIN="${ESB_MANAGER_BIN:-$(cd "$ROOT" && swift build --show-bin-path)/esb-manager}" \
ESB_BIN_DIR="$(cd "$ROOT" && swift build -c release --show-bin-path)" \
    exec python3 "$ROOT/bench/gateway_latency.py" --duration "$DURATION" --clients "$CLIENTS"
