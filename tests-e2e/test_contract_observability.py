"""Contract §3.8/§4.5 (log shipping to VictoriaLogs), §3.9 (metrics) and §4.3 (readiness: a worker that never opens
its RIE port, or exits at once → removed, caller gets 503).

A small HTTP server in this process stands in for VictoriaLogs (its `/insert/jsonline` endpoint), which cannot
be pulled on these machines. Two throw-away images built FROM esb-test/echo stand in for broken function images."""
import json
import os
import re
import subprocess
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from contract.box import Box, bin_dir, free_port, wait_until

VL_PATH = "/insert/jsonline?_stream_fields=container_name&_msg_field=message&_time_field=_time"


class VictoriaLogsStandIn:
    def __init__(self):
        self.batches = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    body = b""
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                        if size == 0:
                            self.rfile.readline()
                            break
                        body += self.rfile.read(size)
                        self.rfile.readline()
                else:
                    body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.batches.append((self.path, body))
                self.send_response(204)
                self.end_headers()

            def do_GET(self):
                # `/select/logsql/query` for `esb logs` (§9): answers what VictoriaLogs stored from the batches above
                # (`message` became `_msg`, as `_msg_field=message` asks), one JSON object per line. Of LogsQL it
                # reads only the `function:"NAME"` word filter `esb logs` starts with; the rest is recorded.
                url = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(url.query).get("query", [""])[0]
                outer.queries.append((url.path, query))
                wanted = re.match(r'function:"([^"]*)"', query)
                lines = [dict({k: v for k, v in x.items() if k != "message"}, _msg=x.get("message", ""))
                         for x in outer.lines() if wanted and x.get("function") == wanted.group(1)]
                body = b"".join(json.dumps(x).encode() + b"\n" for x in lines)
                self.send_response(200 if url.path == "/select/logsql/query" else 404)
                self.send_header("Content-Type", "application/stream+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.queries = []
        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def lines(self):
        out = []
        for _, body in list(self.batches):
            for raw in body.splitlines():
                if raw.strip():
                    out.append(json.loads(raw))
        return out

    def close(self):
        self.server.shutdown()


BROKEN_FUNCTIONS = """\
functions:
  echo:
    image: "{image}"
  never-ready:
    image: "%(never)s"
  exits-at-once:
    image: "%(exits)s"
"""
BROKEN_ROUTES = """\
routes:
  - path: /echo
    method: ANY
    function: echo
    auth: none
  - path: /never
    method: GET
    function: never-ready
    auth: none
  - path: /exits
    method: GET
    function: exits-at-once
    auth: none
"""


@pytest.fixture(scope="module")
def broken_images():
    tag = uuid.uuid4().hex[:8]
    images = {"never": "esb-contract-%s/never-ready:latest" % tag, "exits": "esb-contract-%s/exits:latest" % tag}
    for key, entry in (("never", '["sleep", "300"]'), ("exits", '["false"]')):
        dockerfile = "FROM esb-test/echo:latest\nENTRYPOINT %s\n" % entry
        subprocess.run(["docker", "build", "-q", "-t", images[key], "-"], input=dockerfile.encode(),
                       capture_output=True, check=True, env=dict(os.environ, DOCKER_BUILDKIT="0"))
    yield images
    subprocess.run(["docker", "rmi", "-f"] + list(images.values()), capture_output=True)


@pytest.fixture(scope="module")
def vl_box(broken_images):
    vl = VictoriaLogsStandIn()
    box = Box(functions_yml=BROKEN_FUNCTIONS % broken_images, routing_yml=BROKEN_ROUTES)
    try:
        box.start_manager(VICTORIALOGS_URL=vl.url, CONTAINER_READINESS_TIMEOUT="2")
        gw = box.start_gateway(VICTORIALOGS_URL=vl.url, POOL_ACQUIRE_TIMEOUT="20")
        yield box, gw, vl
    finally:
        box.close()
        vl.close()


def test_lines_shipped_to_victorialogs(vl_box):
    box, gw, vl = vl_box
    marker = "vl-%s" % uuid.uuid4().hex
    status, headers, _ = gw.request("POST", "/echo", body=json.dumps(
        {"print_json": {"marker": marker, "level": "ERROR"}, "return": {"statusCode": 200, "body": "x"}}))
    assert status == 200
    rid = headers["x-request-id"][0]
    wait_until(lambda: any(x.get("marker") == marker for x in vl.lines())
               and any(x.get("request_id") == rid for x in vl.lines()), 15, interval=0.2, what="shipped lines")
    assert {path for path, _ in vl.batches} == {VL_PATH}
    worker_line = next(x for x in vl.lines() if x.get("marker") == marker)
    assert worker_line["function"] == "echo" and worker_line["container_name"].startswith("esb-echo-")
    assert worker_line["stream"] == "stdout" and worker_line["level"] == "ERROR"
    access = [x for x in vl.lines() if x.get("request_id") == rid and x.get("status") == 200]
    assert access and access[0]["container_name"].startswith("esb-gateway-contract")
    for x in vl.lines():
        assert {"_time", "message", "container_name"} <= set(x), x


def test_esb_logs_reads_the_shipped_lines_from_victorialogs(vl_box, tmp_path):
    """§9 `esb logs NAME --since DURATION` with VICTORIALOGS_URL set: the lines the real Manager shipped for the
    function, read back through VictoriaLogs' query API (the stand-in above), each printed as `container _time
    message`; the `.env` beside the compose file is where the URL comes from when the environment has none."""
    box, gw, vl = vl_box
    marker = "vl-logs-%s" % uuid.uuid4().hex
    status, _, _ = gw.request("POST", "/echo", body=json.dumps({"print": marker, "return": {"statusCode": 200}}))
    assert status == 200
    wait_until(lambda: any(x.get("message") == marker for x in vl.lines()), 15, interval=0.2, what="shipped line")
    shipped = next(x for x in vl.lines() if x.get("message") == marker)
    (tmp_path / ".env").write_text("VICTORIALOGS_URL=%s\n" % vl.url)
    env = {k: v for k, v in os.environ.items() if k != "VICTORIALOGS_URL"}
    ran = subprocess.run([os.path.join(box.bin, "esb"), "logs", "echo", "--since", "10m"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert "%s %s %s" % (shipped["container_name"], shipped["_time"], marker) in ran.stdout.splitlines(), ran.stdout
    assert vl.queries[-1] == ("/select/logsql/query", 'function:"echo" _time:600s | sort by (_time)')


def test_worker_never_ready_is_removed_and_caller_gets_503(vl_box):
    box, gw, _ = vl_box
    t0 = time.monotonic()
    status, headers, body = gw.request("GET", "/never")
    assert status == 503 and json.loads(body) == {"message": "Service Unavailable"}
    assert time.monotonic() - t0 < 15
    assert headers.get("x-request-id")
    wait_until(lambda: not any(c[1].startswith("esb-never-ready-") for c in box.containers()), 10, interval=0.2,
               what="unready worker removed")
    status, _, doc = box.manager_request("POST", "/v1/functions/never-ready/workers", {"count": 1})
    assert status == 503 and set(doc) == {"message"}


def test_worker_exiting_at_start_gives_503(vl_box):
    box, gw, _ = vl_box
    status, _, body = gw.request("GET", "/exits")
    assert status == 503 and json.loads(body) == {"message": "Service Unavailable"}
    wait_until(lambda: not any(c[1].startswith("esb-exits-at-once-") for c in box.containers()), 10, interval=0.2,
               what="exited worker removed")
    # the healthy function is not affected
    assert gw.request("POST", "/echo", body=b"{}")[0] == 200


def test_metrics_cover_routes_latencies_and_pools(vl_box):
    box, gw, _ = vl_box
    for _ in range(3):
        gw.request("POST", "/echo", body=b"{}")
    status, text = gw.metrics()
    assert status == 200
    samples = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert any(line.startswith('esb_gateway_requests_total{') and 'status="200"' in line and "/echo" in line
               for line in samples), samples
    for family in ("request_duration_seconds", "queue_wait_seconds", "cold_start_seconds",
                   "function_duration_seconds"):
        assert any(line.startswith("esb_gateway_%s_bucket" % family) for line in samples), family
    pools = [line for line in samples if line.startswith("esb_gateway_pool_workers{") and 'function="echo"' in line]
    states = {line.split('state="')[1].split('"')[0] for line in pools}
    assert {"busy", "idle", "paused"} <= states, pools
    assert any(line.startswith("esb_gateway_log_lines_dropped_total") for line in samples)
    # Manager calls, the asynchronous queue (§3.6), process_* and build_info (§3.9), from the real process
    values = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in samples}
    assert any(name.startswith("esb_gateway_manager_calls_total{") for name in values), samples
    for name in ("esb_gateway_events_queued", "esb_gateway_events_oldest_age_seconds", "process_cpu_seconds_total"):
        assert values.get(name, -1) >= 0, name
    assert values.get("process_resident_memory_bytes", 0) > 0 and values.get("process_open_fds", 0) > 0
    # build_info names the version `--version` prints, not a placeholder
    version = subprocess.run([os.path.join(bin_dir(), "esb-gateway"), "--version"], capture_output=True, text=True,
                             check=True).stdout.split()[-1]
    assert values.get('esb_gateway_build_info{version="%s"}' % version) == 1, samples
