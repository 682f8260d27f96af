#!/usr/bin/env bash
# container-timings.sh — measure the worker-container life cycle the Manager drives, on this machine:
# docker create, start, time until the RIE port accepts TCP, first (cold) invoke, warm invoke, pause, unpause,
# invoke right after unpause, remove. Timed through the Docker Engine API on /var/run/docker.sock (what the
# Manager uses) and, for comparison, through the docker CLI (which adds the client's own start-up time).
# The port is probed on the container's bridge IP:8080 — a port published on 127.0.0.1 is answered by
# docker-proxy before the RIE listens, so it says nothing about readiness.
#
# Usage: tests-e2e/bench/container-timings.sh [RUNS]    (default 5; IMAGE=esb-test/echo:latest)
# Prints median / min / max in milliseconds. Removes every container it created.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$HERE/../lib/ensure-dockerd.sh"
IMAGE="${IMAGE:-esb-test/echo:latest}"
docker image inspect "$IMAGE" >/dev/null 2>&1 || { echo "image $IMAGE missing: run tests-e2e/setup.sh" >&2; exit 1; }
exec python3 - "$IMAGE" "${1:-5}" <<'PY'
import http.client, json, socket, statistics, subprocess, sys, time, os

IMAGE, RUNS = sys.argv[1], int(sys.argv[2])
TAG = f"esbbench-{os.getpid()}"
INVOKE = "/2015-03-31/functions/function/invocations"

class UnixHTTP(http.client.HTTPConnection):
    def __init__(self):
        super().__init__("localhost", timeout=60)
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect("/var/run/docker.sock")

def api(method, path, body=None):
    c = UnixHTTP()
    data = json.dumps(body).encode() if body is not None else None
    c.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
    r = c.getresponse(); raw = r.read(); c.close()
    if r.status >= 300:
        raise RuntimeError(f"{method} {path}: {r.status} {raw[:200]!r}")
    return json.loads(raw) if raw else None

def invoke(ip, payload=b"{}"):
    c = http.client.HTTPConnection(ip, 8080, timeout=30)
    c.request("POST", INVOKE, body=payload); r = c.getresponse(); body = r.read(); c.close()
    assert r.status == 200, (r.status, body)
    return body

def ms(t0): return (time.perf_counter() - t0) * 1000
res = {}
def rec(k, v): res.setdefault(k, []).append(v)

created = []
try:
    for i in range(RUNS):
        name = f"{TAG}-{i}"
        t = time.perf_counter()
        cid = api("POST", f"/containers/create?name={name}",
                  {"Image": IMAGE, "Labels": {"esb.bench": TAG},
                   "Env": ["AWS_LAMBDA_FUNCTION_NAME=bench", "AWS_LAMBDA_FUNCTION_TIMEOUT=30"],
                   "HostConfig": {"Memory": 128 * 1024 * 1024, "RestartPolicy": {"Name": "no"}}})["Id"]
        rec("API create", ms(t)); created.append(cid)
        t_start = time.perf_counter()
        api("POST", f"/containers/{cid}/start"); rec("API start", ms(t_start))
        ip = api("GET", f"/containers/{cid}/json")["NetworkSettings"]["IPAddress"]
        t = time.perf_counter()
        while True:
            try:
                socket.create_connection((ip, 8080), timeout=0.2).close(); break
            except OSError:
                if ms(t) > 10000: raise RuntimeError("port 8080 never opened")
                time.sleep(0.001)
        rec("port open after start returned", ms(t))
        t = time.perf_counter(); invoke(ip); rec("first invoke (cold, runtime init)", ms(t))
        rec("create -> first response (total cold start)", (time.perf_counter() - t_start) * 1000 + res["API create"][-1])
        warm = []
        for _ in range(20):
            t = time.perf_counter(); invoke(ip); warm.append(ms(t))
        rec("warm invoke (median of 20)", statistics.median(warm))
        t = time.perf_counter(); api("POST", f"/containers/{cid}/pause"); rec("API pause", ms(t))
        t = time.perf_counter(); api("POST", f"/containers/{cid}/unpause"); rec("API unpause", ms(t))
        t = time.perf_counter(); invoke(ip); rec("invoke right after unpause", ms(t))
        t = time.perf_counter(); api("DELETE", f"/containers/{cid}?force=true"); rec("API remove (force)", ms(t))
        created.remove(cid)
    # The same through the docker CLI, for comparison with figures measured by hand.
    def cli(*args):
        t = time.perf_counter()
        out = subprocess.run(["docker", *args], check=True, capture_output=True, text=True).stdout.strip()
        return ms(t), out
    for i in range(RUNS):
        d, cid = cli("create", "--label", f"esb.bench={TAG}", IMAGE); rec("CLI docker create", d); created.append(cid)
        rec("CLI docker start", cli("start", cid)[0])
        rec("CLI docker pause", cli("pause", cid)[0])
        rec("CLI docker unpause", cli("unpause", cid)[0])
        rec("CLI docker rm -f", cli("rm", "-f", cid)[0]); created.remove(cid)
finally:
    for cid in created:
        subprocess.run(["docker", "rm", "-f", cid], capture_output=True)

srv = api("GET", "/version")
print(f"# {IMAGE}, {RUNS} runs, Docker {srv['Version']}, {os.cpu_count()} CPUs, "
      f"load {os.getloadavg()[0]:.2f}")
print(f"{'step':46} {'median':>8} {'min':>8} {'max':>8}  (ms)")
for k, v in res.items():
    print(f"{k:46} {statistics.median(v):8.1f} {min(v):8.1f} {max(v):8.1f}")
PY
