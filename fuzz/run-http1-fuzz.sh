#!/usr/bin/env bash
# Builds and runs the libFuzzer target for the HTTP1 parser for a bounded time (CI runs it for a minute).
# Usage: fuzz/run-http1-fuzz.sh [SECONDS=60] [extra libFuzzer flags...]
# Crashes are written to fuzz/artifacts/; the corpus grows in fuzz/corpus/ (seeded from fuzz/seeds/).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-60}
shift || true
mkdir -p .build/fuzz/http1-src fuzz/corpus fuzz/artifacts
# The shared invariants live with the tests (they import HTTP1; here everything is one module).
sed -E '/^(public |internal )?import HTTP1$/d' Tests/HTTP1Tests/HTTP1FuzzInvariants.swift > .build/fuzz/http1-src/HTTP1FuzzInvariants.swift
swiftc -parse-as-library -sanitize=fuzzer,address -O -module-name HTTP1Fuzz \
    Sources/HTTP1/*.swift .build/fuzz/http1-src/HTTP1FuzzInvariants.swift fuzz/FuzzHTTP1.swift -o .build/fuzz/http1-fuzz
exec .build/fuzz/http1-fuzz -max_total_time="$SECONDS_TO_RUN" -max_len=8192 \
    -artifact_prefix=fuzz/artifacts/ -dict=fuzz/http.dict "$@" fuzz/corpus fuzz/seeds
