#!/usr/bin/env bash
# run-box.sh — run the box on this machine without compose: dockerd + the local Lambda base and fixture images
# (tests-e2e/setup.sh), release builds of esb-manager and esb-gateway, a sample config/ with the echo fixture, both
# daemons in the background with their logs under the run folder. Ctrl-C (or `scripts/run-box.sh stop` from
# another terminal) stops both.
#
#   scripts/run-box.sh [start] [--port N] [--no-setup] [--no-build]   # default port 8443
#   scripts/run-box.sh stop
#
# Run folder: $ESB_RUN_DIR (default .work/run-box in the repository): config/, ssl/ (self-signed on first start),
# env (the generated secrets), manager.log, gateway.log, *.pid. Needs root (dockerd) on Debian 12.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="${ESB_RUN_DIR:-$ROOT/.work/run-box}"
PORT=8443
SETUP=1
BUILD=1
CMD=start

for arg in "$@"; do
    case "$arg" in
        start) CMD=start ;;
        stop) CMD=stop ;;
        --port=*) PORT="${arg#--port=}" ;;
        --port) CMD=port ;;
        --no-setup) SETUP=0 ;;
        --no-build) BUILD=0 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *)
            if [ "$CMD" = port ]; then PORT="$arg"; CMD=start; else echo "unknown argument: $arg" >&2; exit 2; fi ;;
    esac
done

say() { printf '[run-box] %s\n' "$*"; }

stop_daemon() {   # stop_daemon NAME: SIGTERM (the gateway drains), then wait up to 35 s
    local pidfile="$RUN/$1.pid" pid
    [ -f "$pidfile" ] || return 0
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then
        say "stopping $1 (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 70); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}

stop_all() {
    stop_daemon esb-gateway
    stop_daemon esb-manager
}

if [ "$CMD" = stop ]; then
    stop_all
    exit 0
fi

mkdir -p "$RUN/config" "$RUN/ssl"
stop_all   # a previous run that was not stopped

if [ "$SETUP" = 1 ]; then
    say "tests-e2e/setup.sh (dockerd, esb-local/lambda-python:3.11, esb-test/echo:latest)"
    "$ROOT/tests-e2e/setup.sh"
fi

# ESB_MANAGER_CONFIGURATION=debug runs a debug esb-manager (for investigations); the gateway always runs its
# release build.
MANAGER_CONFIGURATION="${ESB_MANAGER_CONFIGURATION:-release}"
if [ "$BUILD" = 1 ]; then
    say "swift build (esb-manager: $MANAGER_CONFIGURATION, esb-gateway: release)"
    (cd "$ROOT" && swift build -c "$MANAGER_CONFIGURATION" --product esb-manager && swift build -c release --product esb-gateway)
fi
BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)"
MANAGER_BIN="$(cd "$ROOT" && swift build -c "$MANAGER_CONFIGURATION" --show-bin-path)"

# Secrets for this run (never the development values): kept in $RUN/env so `stop` and a later look can use them.
if [ ! -f "$RUN/env" ]; then
    rnd() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
    cat > "$RUN/env" <<EOF
JWT_SECRET_KEY=$(rnd)
X_API_KEY=$(rnd | head -c 24)
AUTH_USER=admin
AUTH_PASS=$(rnd | head -c 16)
MANAGER_TOKEN=$(rnd)
ACCESS_KEY_ID=esb$(rnd | head -c 12)
SECRET_ACCESS_KEY=$(rnd)
EOF
    chmod 600 "$RUN/env"
fi
# shellcheck disable=SC1091
. "$RUN/env"

cat > "$RUN/config/functions.yml" <<'EOF'
# Sample functions for scripts/run-box.sh: the echo fixture of tests-e2e (returns the event it got).
defaults:
  environment: { AWS_DEFAULT_REGION: "ap-northeast-1" }
  timeout: 30
  memory_size: 128
  max_concurrency: 4
functions:
  echo:
    image: "esb-test/echo:latest"
    environment: { GREETING: "hello from the box" }
EOF
cat > "$RUN/config/routing.yml" <<'EOF'
# Sample routes for scripts/run-box.sh.
routes:
  - path: "/hello"
    method: "ANY"
    function: "echo"
  - path: "/hello/{name}"
    method: "GET"
    function: "echo"
    payload_format: "2.0"
  - path: "/public/ping"
    method: "GET"
    function: "echo"
    auth: "none"
EOF

# The Lambda network exists before the Manager starts (as compose creates it); workers reach the gateway through
# its bridge address.
NETWORK="${LAMBDA_NETWORK:-esb-run-box}"
docker network inspect "$NETWORK" >/dev/null 2>&1 || docker network create "$NETWORK" >/dev/null
BRIDGE_IP="$(docker network inspect -f '{{(index .IPAM.Config 0).Gateway}}' "$NETWORK")"

MANAGER_SOCKET="$RUN/manager.sock"
rm -f "$MANAGER_SOCKET"
say "starting esb-manager (unix://$MANAGER_SOCKET, WORKER_ADDRESS_MODE=published)"
(
    export MANAGER_LISTEN="unix://$MANAGER_SOCKET" MANAGER_TOKEN WORKER_ADDRESS_MODE=published
    export FUNCTIONS_CONFIG_PATH="$RUN/config/functions.yml" LAMBDA_NETWORK="$NETWORK"
    export WORKER_ACCESS_KEY_ID="$ACCESS_KEY_ID" WORKER_SECRET_ACCESS_KEY="$SECRET_ACCESS_KEY"
    export GATEWAY_INTERNAL_URL="https://$BRIDGE_IP:$PORT" CONTAINER_NAME=esb-manager
    exec "$MANAGER_BIN/esb-manager" >> "$RUN/manager.log" 2>&1
) &
echo $! > "$RUN/esb-manager.pid"
for _ in $(seq 1 100); do [ -S "$MANAGER_SOCKET" ] && break; sleep 0.1; done

say "starting esb-gateway (https://0.0.0.0:$PORT)"
(
    export GATEWAY_LISTEN="0.0.0.0:$PORT" TLS_CERT_PATH="$RUN/ssl/server.crt" TLS_KEY_PATH="$RUN/ssl/server.key"
    export JWT_SECRET_KEY X_API_KEY AUTH_USER AUTH_PASS MANAGER_TOKEN MANAGER_URL="unix://$MANAGER_SOCKET"
    export INVOKE_ACCESS_KEY_ID="$ACCESS_KEY_ID" INVOKE_SECRET_ACCESS_KEY="$SECRET_ACCESS_KEY"
    export FUNCTIONS_CONFIG_PATH="$RUN/config/functions.yml" ROUTING_CONFIG_PATH="$RUN/config/routing.yml"
    export CONTAINER_NAME=esb-gateway METRICS_LISTEN="${METRICS_LISTEN:-127.0.0.1:9464}"
    # The event spool and schedules live with the run (docs/async-invocations.md).
    export EVENT_SPOOL_DIR="$RUN/events" SCHEDULES_CONFIG_PATH="$RUN/config/schedules.yml"
    exec "$BIN/esb-gateway" >> "$RUN/gateway.log" 2>&1
) &
echo $! > "$RUN/esb-gateway.pid"
for _ in $(seq 1 100); do
    curl -skf "https://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
    kill -0 "$(cat "$RUN/esb-gateway.pid")" 2>/dev/null || { say "esb-gateway exited; see $RUN/gateway.log"; tail -5 "$RUN/gateway.log"; stop_all; exit 1; }
    sleep 0.2
done

cat > "$RUN/invoke-echo.py" <<PY
import boto3, urllib3
urllib3.disable_warnings()
client = boto3.client("lambda", endpoint_url="https://127.0.0.1:$PORT", region_name="ap-northeast-1", verify=False,
                      aws_access_key_id="$ACCESS_KEY_ID", aws_secret_access_key="$SECRET_ACCESS_KEY")
print(client.invoke(FunctionName="echo", Payload=b'{"return": 42}')["Payload"].read())
PY
trap 'echo; stop_all; exit 0' INT TERM
cat <<EOF

The box is up. Logs: $RUN/gateway.log, $RUN/manager.log   Secrets: $RUN/env

  # log in (docs/contract.md §3.3)
  TOKEN=\$(curl -sk -X POST https://127.0.0.1:$PORT/user/auth/ver1.0 -H 'x-api-key: $X_API_KEY' \\
      -d '{"AuthParameters":{"USERNAME":"$AUTH_USER","PASSWORD":"$AUTH_PASS"}}' \\
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["AuthenticationResult"]["IdToken"])')
  # call the sample route (the echo function returns the API Gateway event it received)
  curl -sk https://127.0.0.1:$PORT/hello -H "Authorization: Bearer \$TOKEN"
  curl -sk https://127.0.0.1:$PORT/public/ping
  # the Lambda Invoke API with boto3 (SigV4 with the box's key pair)
  python3 $RUN/invoke-echo.py
  # metrics
  curl -s http://${METRICS_LISTEN:-127.0.0.1:9464}/metrics | head

Ctrl-C here (or scripts/run-box.sh stop) stops both daemons.
EOF
while kill -0 "$(cat "$RUN/esb-gateway.pid" 2>/dev/null || echo 0)" 2>/dev/null; do sleep 1; done
say "esb-gateway exited; see $RUN/gateway.log"
stop_all
