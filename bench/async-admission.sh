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
# The options, the preparation (setup, wrk, builds) and the box are bench/box_setup.py's.
case "${1:-}" in -h|--help) sed -n '2,13p' "$0"; exit 0 ;; esac
exec python3 "$(dirname "${BASH_SOURCE[0]}")/async_admission.py" "$@"
