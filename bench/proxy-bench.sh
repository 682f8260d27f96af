#!/usr/bin/env bash
# proxy-bench.sh — esb-gateway as a proxy, next to nginx and to no proxy at all, in ONE run (issue 11):
#   * trivial worker (bench/images/trivial-worker: nginx-light answering a fixed proxy result, so the proxy is
#     the bottleneck): direct to one worker vs nginx TLS reverse proxy vs esb-gateway, at 1 and N clients
#     (default 64): p50, p99, req/s, non-2xx, added p50 over direct, req/s ÷ direct and ÷ nginx;
#   * the real RIE (bench/images/hello-worker, a Python hello handler), same three paths, 1 client;
#   * resident memory of esb-gateway and esb-manager, idle and after the N-client run.
# Real processes: release builds of esb-manager (WORKER_ADDRESS_MODE=network, min_warm = N trivial workers) and
# esb-gateway (JWT route, payload 1.0); nginx with one worker process and the gateway's certificate, keep-alive to
# the same workers. Traffic stays on loopback and on the bench's own bridge network; everything is removed at
# the end. Load generator: wrk. Prints figures; asserts nothing. docs/performance.md explains the figures.
#
#   bench/proxy-bench.sh [--no-setup] [--no-build] [--duration SECONDS] [--clients N] [--rounds N] [--perf DIR]
#                        [--gateway-env NAME=VALUE]... [--syscalls] [--segments] [--instructions DIR
#                        [--instructions-baseline BIN]]
#   --rounds N: every row N times, the three paths taking turns; medians printed (this machine is noisy).
#   --perf DIR: afterwards, `perf record -g` of the gateway under the N-client load; reports in DIR.
#   --syscalls: afterwards, system calls per request of nginx and the gateway under that load (strace -c).
#   --segments: afterwards, TCP segments per request of both proxies at one client (nstat; machine-wide).
#   --instructions DIR: afterwards, the gateway's user-space instructions per request at one client, counted by
#                valgrind's callgrind (repeatable whatever the machine's load); per-function counts in DIR.
#                --instructions-baseline BIN counts another esb-gateway build the same way, in the same run.
#   ESB_BIN_DIR=DIR: run the esb-gateway and esb-manager found in DIR (e.g. an older build) instead.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SETUP=1 BUILD=1 ARGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --no-setup) SETUP=0 ;;
        --no-build) BUILD=0 ;;
        --syscalls|--segments) ARGS+=("$1") ;;
        --duration|--clients|--rounds|--perf|--perf-seconds|--gateway-env|--instructions|--instructions-baseline) ARGS+=("$1" "$2"); shift ;;
        -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
[ "$SETUP" = 1 ] && "$ROOT/tests-e2e/setup.sh" >/dev/null
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
if printf '%s\n' "${ARGS[@]+"${ARGS[@]}"}" | grep -qx -- --perf && ! command -v perf >/dev/null 2>&1; then
    missing+=(linux-perf)
fi
if printf '%s\n' "${ARGS[@]+"${ARGS[@]}"}" | grep -qx -- --instructions && ! command -v valgrind >/dev/null 2>&1; then
    missing+=(valgrind)
fi
if printf '%s\n' "${ARGS[@]+"${ARGS[@]}"}" | grep -qx -- --segments && ! command -v nstat >/dev/null 2>&1; then
    missing+=(iproute2)
fi
if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
"$ROOT/bench/build-bench-images.sh"
# Both daemons in their release builds: the RSS figures are those of what ships.
. "$ROOT/bench/release-daemons.sh"
run_against_release_daemons proxy_bench.py ${ARGS[@]+"${ARGS[@]}"}
