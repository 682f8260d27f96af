#!/bin/sh
# build-app.sh — the `app` one-shot service of docker-compose.yml (docs/deployment.md "The app service").
#
# Builds and provisions the SAM application mounted at /app-src (ESB_APP_DIR; the sample application by default):
#   esb generate   into a scratch folder of this container (the application folder stays read-only)
#   esb build      the function images, on the engine behind DOCKER_HOST (the host's, or the DinD box's own)
#   esb provision  its tables and buckets at DYNAMODB_ENDPOINT / S3_ENDPOINT
# then replaces functions.yml and routing.yml in the config directory (/app/config) when they changed, each by
# rename so that a daemon never reads half a file; the gateway and the manager notice and reload.
# Environment: ESB_APP_TEMPLATE (template.yaml), LAMBDA_BASE_IMAGE ([RUNTIME=]IMAGE, empty = the generator's
# public.ecr.aws/lambda defaults), ESB_APP_OUTPUT (/tmp/esb-app), ESB_CONFIG_OUT (/app/config).
set -eu

APP_DIR=/app-src
TEMPLATE="$APP_DIR/${ESB_APP_TEMPLATE:-template.yaml}"
OUT="${ESB_APP_OUTPUT:-/tmp/esb-app}"
CONFIG="${ESB_CONFIG_OUT:-/app/config}"
log() { printf '[app] %s\n' "$*"; }

[ -f "$TEMPLATE" ] || { log "no SAM template at $TEMPLATE (ESB_APP_DIR / ESB_APP_TEMPLATE)"; exit 1; }
base_args=""
[ -n "${LAMBDA_BASE_IMAGE:-}" ] && base_args="--base-image $LAMBDA_BASE_IMAGE"

log "esb generate --template $TEMPLATE ${base_args}"
# shellcheck disable=SC2086  # base_args is empty or one option with its value
esb generate --template "$TEMPLATE" --output "$OUT" $base_args
log "esb build"
# shellcheck disable=SC2086
esb build --config "$OUT" $base_args
log "esb provision (DynamoDB $DYNAMODB_ENDPOINT, S3 $S3_ENDPOINT)"
esb provision --config "$OUT"

for file in functions.yml routing.yml; do
    if cmp -s "$OUT/$file" "$CONFIG/$file"; then
        log "$CONFIG/$file is up to date"
    else
        cp "$OUT/$file" "$CONFIG/.$file.new"
        mv -f "$CONFIG/.$file.new" "$CONFIG/$file"
        log "updated $CONFIG/$file"
    fi
done
log "done"
