#!/usr/bin/env bash
# ensure-dockerd.sh — make sure a Docker engine answers `docker info`.
#
# Idempotent: if `docker info` already works it does nothing. Otherwise it installs docker.io with apt-get
# when dockerd is missing (Debian 12, root), starts `dockerd` detached in the background (log:
# ${DOCKERD_LOG:-/tmp/dockerd.log}) and waits up to ${DOCKERD_WAIT:-60} s for it to answer.
# Exit status 0 = engine ready; non-zero with a message on stderr otherwise.
set -euo pipefail

log() { printf '[ensure-dockerd] %s\n' "$*" >&2; }

if docker info >/dev/null 2>&1; then
    exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        log "dockerd is not installed and we are not root: install docker.io (apt-get install -y docker.io)"
        exit 1
    fi
    log "dockerd not found: installing docker.io with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || true
    apt-get install -y -qq docker.io >&2
fi

if ! command -v docker >/dev/null 2>&1; then
    log "the docker client is missing (docker.io should provide it)"
    exit 1
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        log "dockerd is not running and we are not root: cannot start it"
        exit 1
    fi
    # containerd is started by dockerd itself when it is not already running.
    log "starting dockerd (log: ${DOCKERD_LOG:-/tmp/dockerd.log})"
    # setsid + nohup: detach from this script's session so the daemon outlives it. Every descriptor above 2 is
    # closed first: a caller that learns of this script's exit through an inherited socket (Foundation's Process
    # on Linux does) would otherwise wait for the daemon's exit instead (docs/manager.md, "Tests").
    (
        for fd in $(ls /proc/$BASHPID/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
        exec setsid nohup dockerd > "${DOCKERD_LOG:-/tmp/dockerd.log}" 2>&1 < /dev/null
    ) &
    disown || true
else
    log "dockerd is running but not answering yet; waiting"
fi

deadline=$(( $(date +%s) + ${DOCKERD_WAIT:-60} ))
while ! docker info >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
        log "dockerd did not answer 'docker info' within ${DOCKERD_WAIT:-60} s; last log lines:"
        tail -n 20 "${DOCKERD_LOG:-/tmp/dockerd.log}" >&2 2>/dev/null || true
        exit 1
    fi
    sleep 0.5
done
log "docker engine ready ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
