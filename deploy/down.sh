#!/bin/sh
# deploy/down.sh [DOWN OPTIONS] — take the box down and leave no Lambda worker behind (docs/deployment.md "Teardown").
#
# The manager leaves its workers running when it stops (the next manager adopts them, docs/manager.md), and they
# sit on the box's Lambda network, so a bare `docker compose down` would leave them running and fail to remove
# that network. This script: stops the gateway and the manager (no new worker can start), removes every container
# of this box's manager (label esb.managed=true, and esb.instance=<its ESB_INSTANCE> when that is set, read from the
# manager container itself), then runs `compose down` with the given options (e.g. -v to drop the volumes too).
# Compose files and project come from the usual COMPOSE_FILE / COMPOSE_PROJECT_NAME (or the current folder);
# ESB_COMPOSE chooses the compose command (default: `docker compose`, else `docker-compose`).
set -eu

if [ -n "${ESB_COMPOSE:-}" ]; then
    compose() { $ESB_COMPOSE "$@"; }
elif docker compose version >/dev/null 2>&1; then
    compose() { docker compose "$@"; }
else
    compose() { docker-compose "$@"; }
fi
log() { printf '[down] %s\n' "$*" >&2; }

manager="$(compose ps -q manager 2>/dev/null || true)"
instance=""
if [ -n "$manager" ]; then
    instance="$(docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$manager" \
        | sed -n 's/^ESB_INSTANCE=//p' | head -n 1)"
fi
compose stop gateway manager >/dev/null 2>&1 || true

if [ -n "$instance" ]; then
    workers="$(docker ps -aq --filter label=esb.managed=true --filter "label=esb.instance=$instance")"
else
    # The default instance owns the workers without an esb.instance label (docs/manager.md, ESB_INSTANCE).
    workers="$(docker ps -a --filter label=esb.managed=true \
        --format '{{.ID}} {{.Label "esb.instance"}}' | awk 'NF == 1 { print $1 }')"
fi
if [ -n "$workers" ]; then
    log "removing $(echo "$workers" | wc -w) worker(s)${instance:+ of instance $instance}"
    # shellcheck disable=SC2086  # a list of container ids
    docker rm -f $workers >/dev/null
fi
compose down "$@"
