#!/usr/bin/env bash
# Builds and runs the libFuzzer target for the API Gateway event builder and the Lambda result mapper for a bounded
# time (CI runs it with its default). Usage: fuzz/run-events-fuzz.sh [SECONDS=60] [extra libFuzzer flags...]
# Crashes go to fuzz/artifacts/; the corpus grows in fuzz/corpus-events/ (seeded from fuzz/seeds-events/).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-60}
shift || true
mkdir -p .build/fuzz/events-src fuzz/corpus-events fuzz/artifacts
src=.build/fuzz/events-src
rm -f "$src"/*.swift
# One module: BoxCore's event, JSON, route (with its CORS settings) and time sources, BoxCrypto's pure-Swift
# base64 and hex, HTTP1's header list (the events compare header names with it) and byte text (numbers, ASCII
# searches), the shared invariants.
# Their module imports (BoxCore, BoxCrypto, HTTP1) are dropped: everything is in this module.
for f in Sources/BoxCore/Events/*.swift Sources/BoxCore/JSON/*.swift Sources/BoxCore/Routing/Route*.swift Sources/BoxCore/Routing/CORSPolicy.swift Sources/BoxCore/Routing/PercentDecoding.swift Sources/BoxCore/Text/*.swift \
         Sources/BoxCore/Logging/UTCTime.swift Sources/BoxCore/Schedules/CivilTime.swift Sources/BoxCrypto/Base64.swift Sources/BoxCrypto/Base64Codec.swift Sources/BoxCrypto/Hex.swift Sources/HTTP1/HTTPHeaders.swift Sources/HTTP1/ByteText.swift \
         Tests/BoxCoreTests/EventFuzzInvariants.swift fuzz/FuzzEvents.swift; do
    sed -E '/^(public |internal )?import (BoxCore|BoxCrypto|HTTP1)$/d' "$f" > "$src/$(echo "$f" | tr / _)"
done
swiftc -parse-as-library -sanitize=fuzzer,address -O -module-name EventsFuzz "$src"/*.swift -o .build/fuzz/events-fuzz
exec .build/fuzz/events-fuzz -max_total_time="$SECONDS_TO_RUN" -max_len=8192 -timeout=10 \
    -artifact_prefix=fuzz/artifacts/ "$@" fuzz/corpus-events fuzz/seeds-events
