#!/usr/bin/env bash
# Builds and runs the libFuzzer target for the HTTP1 parser (outside the package and outside CI).
# Usage: fuzz/run-http1-fuzz.sh [SECONDS=60] [extra libFuzzer flags...]
# Crashes are written to fuzz/artifacts/; the corpus grows in fuzz/corpus/ (seeded from fuzz/seeds/).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-60}
shift || true
mkdir -p .build/fuzz fuzz/corpus fuzz/artifacts
swiftc -parse-as-library -sanitize=fuzzer,address -O -module-name HTTP1Fuzz \
    Sources/HTTP1/*.swift fuzz/FuzzHTTP1.swift -o .build/fuzz/http1-fuzz
exec .build/fuzz/http1-fuzz -max_total_time="$SECONDS_TO_RUN" -max_len=8192 \
    -artifact_prefix=fuzz/artifacts/ -dict=fuzz/http.dict "$@" fuzz/corpus fuzz/seeds
