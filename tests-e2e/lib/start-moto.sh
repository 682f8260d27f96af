#!/usr/bin/env bash
# start-moto.sh — start a moto server (S3, DynamoDB, CloudWatch Logs, ... over real HTTP) for the tests.
#
# moto STANDS IN for RustFS (S3) and ScyllaDB Alternator (DynamoDB API) in the test suite: their images cannot be
# pulled on machines without a registry. The compose file for users keeps pointing at the real RustFS / ScyllaDB
# images; only the tests use moto.
#
# Idempotent: if moto already answers on 127.0.0.1:$MOTO_PORT it does nothing. Otherwise it installs
# moto[server] with pip when missing, starts `moto_server -H 0.0.0.0 -p $MOTO_PORT` detached in the background
# (0.0.0.0 so that Lambda containers reach it through their bridge gateway address), and waits up to 30 s.
# Environment: MOTO_PORT (default 5005), MOTO_LOG (default /tmp/moto-$MOTO_PORT.log).
# The process id is written to /tmp/moto-$MOTO_PORT.pid (stop it with: kill "$(cat /tmp/moto-5005.pid)").
set -euo pipefail
PORT="${MOTO_PORT:-5005}"
LOG="${MOTO_LOG:-/tmp/moto-$PORT.log}"
PIDFILE="/tmp/moto-$PORT.pid"
log() { printf '[start-moto] %s\n' "$*" >&2; }

answers() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/moto-api/" 2>/dev/null; }

if answers; then
    exit 0
fi

if ! python3 -c 'import moto.server, flask, flask_cors' >/dev/null 2>&1; then
    log "installing moto[server] with pip"
    # PIP_BREAK_SYSTEM_PACKAGES: a plain Debian python3 refuses system-wide pip installs otherwise (PEP 668).
    PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install -q --root-user-action=ignore 'moto[server]' >&2
fi

if command -v moto_server >/dev/null 2>&1; then
    cmd=(moto_server -H 0.0.0.0 -p "$PORT")
else
    cmd=(python3 -m moto.server -H 0.0.0.0 -p "$PORT")
fi
log "starting ${cmd[*]} (log: $LOG)"
setsid nohup "${cmd[@]}" > "$LOG" 2>&1 < /dev/null &
echo $! > "$PIDFILE"
disown || true

for _ in $(seq 1 150); do
    if answers; then
        log "moto answers on http://127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"
        exit 0
    fi
    if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
        log "moto_server exited; last log lines:"; tail -n 20 "$LOG" >&2 || true; exit 1
    fi
    sleep 0.2
done
log "moto did not answer on 127.0.0.1:$PORT within 30 s"; tail -n 20 "$LOG" >&2 || true
exit 1
