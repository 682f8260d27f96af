#!/usr/bin/env bash
# Builds esb-local/moto:latest (the S3 + DynamoDB stand-in of docker-compose.test.yml) from the local
# Lambda base image plus moto installed on the host. Idempotent: skips when the image exists.
set -euo pipefail
cd "$(dirname "$0")"
image=esb-local/moto:latest
if docker image inspect "$image" >/dev/null 2>&1 && [[ "${1:-}" != "--force" ]]; then
    echo "moto image: $image already built"
    exit 0
fi
if [[ ! -d moto/site/moto ]]; then
    python3 -m pip install -q --target moto/site --python-version 3.11 --only-binary=:all: \
        --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 --platform any 'moto[server]'
fi
docker build -q -t "$image" moto >/dev/null
echo "moto image: $image built"
