#!/usr/bin/env bash
# PID 1 of the docker-compose.dind.yml container: start dockerd, load the saved images, build function
# images when a generated project is mounted, run the box, and stay in the foreground with its logs.
set -euo pipefail

dockerd > /var/log/dockerd.log 2>&1 &
deadline=$((SECONDS + ${DOCKER_DAEMON_TIMEOUT:-60}))
until docker info >/dev/null 2>&1; do
    if ((SECONDS > deadline)); then
        echo "esb-dind: dockerd did not start within ${DOCKER_DAEMON_TIMEOUT:-60}s" >&2
        tail -n 50 /var/log/dockerd.log >&2
        exit 1
    fi
    sleep 1
done

shopt -s nullglob
for tarball in /box/images/*.tar; do
    echo "esb-dind: loading $(basename "$tarball")"
    docker load -q -i "$tarball"
done

# A generated project (esb generate output) mounted at /box/functions: build its images inside.
if [[ -f /box/functions/functions.yml && -x /usr/local/bin/esb ]]; then
    esb build --config /box/functions
fi

cd /box
cp /box/config/functions.yml /box/config/routing.yml /box/ 2>/dev/null || true
docker compose -f /box/docker-compose.yml up -d --no-build
exec docker compose -f /box/docker-compose.yml logs -f
