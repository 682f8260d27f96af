#!/usr/bin/env bash
# Fails when esb-gateway or esb-manager links Foundation or ICU: about 9 MB of resident memory per idle daemon
# (docs/performance.md, "Memory"). Reads `ldd` of the built binaries (debug by default; pass another directory).
set -uo pipefail
cd "$(dirname "$0")/.."
bin_dir="${1:-.build/debug}"
status=0
for daemon in esb-gateway esb-manager; do
    if ! libraries=$(ldd "$bin_dir/$daemon"); then
        echo "FAIL: cannot run ldd on $bin_dir/$daemon (build it first)" >&2
        status=1
        continue
    fi
    if linked=$(grep -i -E 'libFoundation|lib_FoundationICU|libicu' <<<"$libraries"); then
        echo "FAIL: $daemon links Foundation or ICU:" >&2
        echo "$linked" >&2
        status=1
    else
        echo "ok: $daemon links neither Foundation nor ICU"
    fi
done
exit $status
