#!/usr/bin/env bash
# Fails when a Swift file is not formatted as the committed .swift-format says (the toolchain's `swift format`).
# To fix: scripts/check-format.sh --fix (formats in place).
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Sources Tests Package.swift bench/esb-bench-http fuzz)
if [[ "${1:-}" == "--fix" ]]; then
    exec swift format format -i -r --configuration .swift-format "${paths[@]}"
fi
exec swift format lint --strict -r --configuration .swift-format "${paths[@]}"
