#!/usr/bin/env bash
# cold-start.sh — a cold start through the gateway next to the same work done straight on the Engine API, in ONE
# run (issue 11: "cold start through the gateway stays within 40 ms of docker create + docker start + the first
# RIE call measured in the same run"). Each round, in turns:
#   (a) Engine API: POST /containers/create + /start of esb-bench/hello-worker (the real RIE, a Python hello
#       handler) on the box's bridge network, wait for :8080 on its bridge address, first invoke; then removed;
#   (b) the first HTTPS request through esb-gateway to a function that has no worker (a fresh function per
#       round), so the Manager creates and starts one; the access line must say cold_start.
# Prints median / min / max of both and of (b) − (a), and where the time went (the daemons' log lines, and both
# sides split at Docker's create and start events). Release builds of both daemons, WORKER_ADDRESS_MODE=network.
# Asserts nothing but that (b) was cold.
#
#   bench/cold-start.sh [--no-setup] [--no-build] [--rounds N]    (default 10 rounds)
#   ESB_BIN_DIR=DIR: run the esb-gateway and esb-manager found in DIR instead.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SETUP=1 BUILD=1 ARGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --no-setup) SETUP=0 ;;
        --no-build) BUILD=0 ;;
        --rounds) ARGS+=("$1" "$2"); shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
[ "$SETUP" = 1 ] && "$ROOT/tests-e2e/setup.sh" >/dev/null
"$ROOT/bench/build-bench-images.sh"
# Both daemons in their release builds: the Manager is on the measured path here.
. "$ROOT/bench/release-daemons.sh"
run_against_release_daemons cold_start.py ${ARGS[@]+"${ARGS[@]}"}
