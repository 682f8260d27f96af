#!/usr/bin/env bash
# Benchmark of the gateway's worker pools (docs/gateway-pools.md): the latency FunctionInvoker.invoke adds over
# calling the same real RIE container directly with the same keep-alive client (one client, interleaved calls,
# p50/p99), and requests/s with four workers, direct and through the invoker, in the same run.
# Runs InvokerBenchmarkTests in a release build. Needs dockerd and esb-test/echo:latest (tests-e2e/setup.sh).
# Usage: bench/invoker-bench.sh [ITERATIONS=2000] [SECONDS_PER_THROUGHPUT_RUN=5]
set -euo pipefail
cd "$(dirname "$0")/.."
export ESB_BENCH_ITERATIONS=${1:-2000}
export ESB_BENCH_SECONDS=${2:-5}
export ESB_BENCH=1
docker image inspect esb-test/echo:latest >/dev/null 2>&1 || tests-e2e/setup.sh
# The test target uses @testable imports: a release build needs -enable-testing.
swift build -c release --build-tests -Xswiftc -enable-testing >/dev/null
# The Manager only hands out the four workers (the measured warm path never calls it): its debug build is used,
# because the release build of esb-manager crashed on concurrent first leases when this script was written.
swift build --product esb-manager >/dev/null
export ESB_MANAGER_BINARY="$(swift build --show-bin-path)/esb-manager"
swift test -c release --skip-build -Xswiftc -enable-testing --filter InvokerBenchmarkTests 2>&1 \
    | grep -vE '^(◇|↳|Test Suite|\s+Executed|\[)' 
