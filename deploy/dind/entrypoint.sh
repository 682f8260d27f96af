#!/bin/sh
# PID 1 of the docker-compose.dind.yml container (docs/deployment.md "DinD"): start its own dockerd, load the
# image tarballs of /box/images, start the data services of /box/docker-compose.yml (plus
# /box/docker-compose.override.yml when mounted), build and provision the SAM application mounted at /app-src with
# deploy/app/build-app.sh (the `app` service's script, run here against the inner engine), start the rest of the
# box and follow its logs. SIGTERM stops the box (the gateway drains), then dockerd.
#
# POSIX sh. Environment: DOCKER_DAEMON_TIMEOUT (60 s), ESB_STOP_TIMEOUT (35 s, the gateway's drain + margin),
# ESB_DOCKERD_ARGS, ESB_DATA_TIMEOUT (300 s for the data services to become healthy), and everything
# docker-compose.yml reads (secrets, ESB_ENV, LAMBDA_BASE_IMAGE, ...).
set -eu

log() { printf 'esb-dind: %s\n' "$*" >&2; }

# cgroup v2: dockerd needs the root cgroup free of processes to enable controllers for its containers. The
# docker:dind image's `dind` helper does this; an image without it (the local Debian one) gets the same step here.
if [ -f /sys/fs/cgroup/cgroup.controllers ] && ! command -v dind >/dev/null 2>&1; then
    mkdir -p /sys/fs/cgroup/init
    xargs -rn1 < /sys/fs/cgroup/cgroup.procs > /sys/fs/cgroup/init/cgroup.procs 2>/dev/null || :
    sed -e 's/ / +/g' -e 's/^/+/' < /sys/fs/cgroup/cgroup.controllers > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || :
fi

# cgroup v1 mounted read-only: a container with CAP_SYS_ADMIN but not --privileged (e.g. privileged minus a
# capability the host cannot grant, see docs/deployment.md). Mount each hierarchy again read-write, as
# --privileged would have, so the inner dockerd can create its containers' cgroups.
grep ' /sys/fs/cgroup/[^ ]* cgroup ro,' /proc/self/mounts | while read -r _ dir _ opts _; do
    controllers=$(echo "$opts" | tr ',' '\n' | grep -vxE 'ro|rw|nosuid|nodev|noexec|relatime' | paste -sd, -)
    umount "$dir" && mount -t cgroup -o "rw,nosuid,nodev,noexec,relatime,$controllers" cgroup "$dir" \
        || log "warning: could not remount $dir read-write"
done

# Same situation: /proc/sys read-only (dockerd sets ip_forward and other network sysctls there).
if grep -q ' /proc/sys proc ro,' /proc/self/mounts; then
    mount -o remount,rw /proc/sys 2>/dev/null || log "warning: /proc/sys stays read-only"
fi

# A stale pid file from a container that was killed would stop dockerd from starting.
rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid
if command -v dind >/dev/null 2>&1; then set -- dind dockerd; else set -- dockerd; fi
# shellcheck disable=SC2086  # ESB_DOCKERD_ARGS is a list of flags
"$@" --host=unix:///var/run/docker.sock ${ESB_DOCKERD_ARGS:-} > /var/log/dockerd.log 2>&1 &
dockerd_pid=$!

timeout=${DOCKER_DAEMON_TIMEOUT:-60}
waited=0
until docker info > /dev/null 2>&1; do
    if [ "$waited" -ge "$timeout" ] || ! kill -0 "$dockerd_pid" 2>/dev/null; then
        log "dockerd did not start within ${timeout}s; last lines of its log:"
        tail -n 30 /var/log/dockerd.log >&2
        exit 1
    fi
    sleep 1
    waited=$((waited + 1))
done
log "dockerd ready after ${waited}s ($(docker version --format '{{.Server.Version}}'))"

# Image tarballs: each one is loaded once; its size and time are remembered in the docker volume, so a restart
# with the same tarballs loads nothing.
loaded=/var/lib/docker/esb-loaded-tarballs
touch "$loaded"
for tarball in /box/images/*.tar /box/images/*.tar.gz; do
    [ -f "$tarball" ] || continue
    stamp="$(basename "$tarball") $(stat -c '%s %Y' "$tarball")"
    if grep -qxF "$stamp" "$loaded"; then
        continue
    fi
    log "loading $(basename "$tarball")"
    docker load -q -i "$tarball" >&2
    echo "$stamp" >> "$loaded"
done

if docker compose version > /dev/null 2>&1; then
    compose() { docker compose "$@"; }
elif command -v docker-compose > /dev/null 2>&1; then
    compose() { docker-compose "$@"; }
else
    log "neither 'docker compose' nor 'docker-compose' is installed in this image"
    exit 1
fi

cd /box
# Compose files: the box, and the site's override when mounted. The inner `app` service does nothing (its image,
# esb-box, is this very image and is not inside): this script runs the same build-app.sh itself, below.
# (Fixed paths without spaces, so one unquoted variable holds the list.)
cat > /run/esb-dind.override.yml <<'YAML'
services:
  app:
    image: ${ESB_MANAGER_IMAGE:-esb-manager:latest}
    entrypoint: ["/bin/true"]
YAML
files="-f /box/docker-compose.yml"
[ -f /box/docker-compose.override.yml ] && files="$files -f /box/docker-compose.override.yml"
files="$files -f /run/esb-dind.override.yml"
# Project name fixed so volumes and networks keep their names whatever the folder is called.
export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-esb}"
export ESB_CONFIG_DIR=/box/config ESB_APP_DIR=/app-src

# 1. The data services, healthy (the application's tables are created in them).
# shellcheck disable=SC2086
compose $files up -d --no-build storage database victorialogs
waited=0
for service in storage database victorialogs; do
    # shellcheck disable=SC2086
    id="$(compose $files ps -q "$service")"
    until [ "$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id")" = healthy ]; do
        if [ "$waited" -ge "${ESB_DATA_TIMEOUT:-300}" ]; then
            log "$service is not healthy after ${waited}s"; docker logs --tail 30 "$id" >&2; exit 1
        fi
        sleep 2; waited=$((waited + 2))
    done
done
log "data services healthy after ${waited}s"

# 2. The application: images on this engine, tables at the inner ports (published on this container's 127.0.0.1),
#    functions.yml / routing.yml into /box/config.
if [ -f "/app-src/${ESB_APP_TEMPLATE:-template.yaml}" ]; then
    DYNAMODB_ENDPOINT="http://127.0.0.1:${SCYLLADB_PORT:-8001}" S3_ENDPOINT="http://127.0.0.1:${RUSTFS_API_PORT:-9000}" \
    AWS_ACCESS_KEY_ID="${ESB_ACCESS_KEY_ID:-esbadmin}" AWS_SECRET_ACCESS_KEY="${ESB_SECRET_ACCESS_KEY:-esbadmin-secret}" \
    AWS_REGION="${AWS_REGION:-ap-northeast-1}" ESB_CONFIG_OUT=/box/config \
        /usr/local/bin/build-app.sh
else
    log "no SAM application at /app-src: serving /box/config as it is"
fi

# 3. The daemons.
# shellcheck disable=SC2086
compose $files up -d --no-build

stop_box() {
    log "stopping the box"
    compose $files stop -t "${ESB_STOP_TIMEOUT:-35}" || :
    kill -TERM "$dockerd_pid" 2>/dev/null || :
    wait "$dockerd_pid" 2>/dev/null || :
    exit 0
}
trap stop_box TERM INT

# shellcheck disable=SC2086
compose $files logs -f --no-color &
# `wait` returns when a trapped signal arrives (stop_box runs) or when dockerd exits (then the box is gone too).
wait "$dockerd_pid" || :
log "dockerd exited; last lines of its log:"
tail -n 30 /var/log/dockerd.log >&2
exit 1
