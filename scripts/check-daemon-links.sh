#!/usr/bin/env bash
# Fails when esb-gateway or esb-manager links Foundation or ICU: about 9 MB of resident memory per idle daemon
# (docs/performance.md, "Memory"). Reads `ldd` of the built binaries (debug by default; pass another directory).
# Also fails when esb-manager does not export the hook that keeps GnuTLS from initialising itself, or, in a release
# build, links the shared Swift runtime (both in docs/performance.md, "Memory").
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
manager="$bin_dir/esb-manager"
if [[ -x "$manager" ]]; then
    if nm -D --defined-only "$manager" | grep -q ' _gnutls_global_init_skip$'; then
        echo "ok: esb-manager exports _gnutls_global_init_skip"
    else
        echo "FAIL: esb-manager does not export _gnutls_global_init_skip (CCurl's linkerSettings)" >&2
        status=1
    fi
fi
if [[ "$(cd "$bin_dir" && pwd -P)" == */release ]]; then
    for daemon in esb-gateway esb-manager; do
        [[ -x "$bin_dir/$daemon" ]] || continue
        if ldd "$bin_dir/$daemon" | grep -q 'libswiftCore\.so'; then
            echo "FAIL: the release $daemon links the shared Swift runtime (-static-stdlib in Package.swift)" >&2
            status=1
        else
            echo "ok: the release $daemon links the Swift runtime statically"
        fi
    done
fi
exit $status
