#!/usr/bin/env bash
# build-lambda-sdk-image.sh — esb-local/lambda-python:sdk, the local stand-in for public.ecr.aws/lambda/python:3.12
# in the compose tests (docs/deployment.md "Source build without a registry").
#
# The sample application (examples/sample-app) relies on what the real Lambda Python image has: boto3, and a
# site-packages folder of /var/lang/lib/python3.12 where the generated Dockerfile puts the box's runtime patch
# (sitecustomize.py). The local base image (build-base-image.sh: Debian's CPython 3.11 + the real RIE) has neither,
# so this image is esb-local/moto:latest (that base + moto, which brings boto3; build-moto-image.sh) with the Lambda
# entry point back and both folders on PYTHONPATH. Still CPython 3.11: the sample's code runs on both.
# Usage: tests-e2e/build-lambda-sdk-image.sh   (idempotent: rebuilt only when esb-local/moto changed)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
IMAGE="${LAMBDA_SDK_IMAGE_NAME:-esb-local/lambda-python:sdk}"
MOTO=esb-local/moto:latest
log() { printf '[build-lambda-sdk-image] %s\n' "$*" >&2; }

docker image inspect "$MOTO" >/dev/null 2>&1 || "$HERE/build-moto-image.sh"
moto_id="$(docker image inspect -f '{{.Id}}' "$MOTO")"
if [ "$(docker image inspect -f '{{index .Config.Labels "esb.from"}}' "$IMAGE" 2>/dev/null)" = "$moto_id" ]; then
    log "$IMAGE already exists"
    exit 0
fi
# --network none: nothing is fetched (and a machine whose default bridge is broken still builds it).
DOCKER_BUILDKIT=0 docker build -q --network none -t "$IMAGE" --label "esb.from=$moto_id" - >/dev/null <<DOCKERFILE
FROM $MOTO
ENV PYTHONPATH=/var/lang/lib/python3.12/site-packages:/opt/moto
WORKDIR /var/task
HEALTHCHECK NONE
EXPOSE 8080
ENTRYPOINT ["/lambda-entrypoint.sh"]
CMD ["lambda_function.lambda_handler"]
DOCKERFILE
log "built $IMAGE ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
