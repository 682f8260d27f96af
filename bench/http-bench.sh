#!/usr/bin/env bash
# Benchmark of the network runtime (issue 3): a TLS keep-alive hello-world on esb-bench-http, side by side
# with nginx serving the same response with the same certificate, in the same run, on this machine.
# Needs: nginx (nginx-light) and wrk (apt-get install -y nginx-light wrk).
# Usage: bench/http-bench.sh [DURATION_SECONDS=10] [CONNECTIONS=64] [WORKERS=1]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
CONNECTIONS=${2:-64}
WORKERS=${3:-1}
WORK=$(mktemp -d)
SWIFT_PID=""
NGINX_PID=""
trap 'kill $SWIFT_PID $NGINX_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

swift build --manifest-cache local -c release --product esb-bench-http >/dev/null
BIN=$(swift build --manifest-cache local -c release --show-bin-path)/esb-bench-http

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Port 0: the server reports the port it got (fixed ports may belong to someone else's container).
"$BIN" --port 0 --loops "$WORKERS" --self-signed "$WORK" > "$WORK/swift.log" 2>&1 &
SWIFT_PID=$!
for _ in $(seq 50); do grep -q listening "$WORK/swift.log" && break; sleep 0.1; done
SWIFT_PORT=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/swift.log")
[ -n "$SWIFT_PORT" ] || { cat "$WORK/swift.log"; exit 1; }
NGINX_PORT=$(free_port)

cat > "$WORK/nginx.conf" <<NGINX
worker_processes $WORKERS;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$NGINX_PORT ssl;
        ssl_certificate $WORK/bench.crt;
        ssl_certificate_key $WORK/bench.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        keepalive_requests 1000000;
        location / { default_type text/plain; return 200 "Hello, world!\n"; }
    }
}
NGINX
nginx -c "$WORK/nginx.conf" -p "$WORK" &
NGINX_PID=$!
sleep 1
curl -sfk "https://127.0.0.1:$SWIFT_PORT/" >/dev/null || { echo "esb-bench-http does not answer"; exit 1; }
curl -sfk "https://127.0.0.1:$NGINX_PORT/" >/dev/null || { echo "nginx does not answer"; cat "$WORK/nginx-error.log"; exit 1; }

run() {
    # wrk: 1 thread (2 cores: leave one for the server), keep-alive connections, latency percentiles.
    wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "https://127.0.0.1:$1/" > "$WORK/$2.wrk"
    awk -v name="$2" '
        /Requests\/sec/ { rps = $2 }
        /^ +50%/ { p50 = $2 } /^ +75%/ { p75 = $2 } /^ +90%/ { p90 = $2 } /^ +99%/ { p99 = $2 }
        /Non-2xx|Socket errors/ { errors = errors " " $0 }
        END { printf "%-22s %12s %10s %10s %10s %10s%s\n", name, rps, p50, p75, p90, p99, errors }' "$WORK/$2.wrk"
}

echo "TLS keep-alive hello world: wrk -t1 -c$CONNECTIONS -d${DURATION}s, $WORKERS server worker(s), $(nproc) cores"
printf "%-22s %12s %10s %10s %10s %10s\n" server "requests/s" p50 p75 p90 p99
run $SWIFT_PORT "esb-bench-http"
run $NGINX_PORT "nginx"
