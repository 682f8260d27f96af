#!/usr/bin/env bash
# install-packages.sh — the one place that installs the Debian 12 packages this repository needs: the build
# (libssl-dev libcurl4-openssl-dev libyaml-dev pkg-config), the box and its tests (docker.io, Debian's
# docker-compose, debootstrap, unzip, curl, ca-certificates) and the test tools (headless chromium for the status
# page test; wrk, nginx-light for the benchmarks' baselines are NOT here: bench/ scripts install what they compare
# against).
# Idempotent and quiet when everything is there; needs root only when something is missing.
# Used by .ci/run, tests-e2e/setup.sh (and so scripts/test-all.sh and scripts/run-box.sh).
set -euo pipefail

packages=(libssl-dev libcurl4-openssl-dev libyaml-dev pkg-config docker.io docker-compose debootstrap unzip curl
    ca-certificates python3 python3-pip chromium)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# python3/pip may come from elsewhere (a pyenv build): only ask Debian for them when no python3 answers.
if command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then
    filtered=()
    for p in "${missing[@]+"${missing[@]}"}"; do
        [[ "$p" == python3 || "$p" == python3-pip ]] || filtered+=("$p")
    done
    missing=("${filtered[@]+"${filtered[@]}"}")
fi
((${#missing[@]})) || exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "[install-packages] missing ${missing[*]} and not root: install them first (apt-get install -y ...)" >&2
    exit 1
fi
echo "[install-packages] apt-get install ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
