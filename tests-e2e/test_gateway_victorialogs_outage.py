"""VictoriaLogs down or slow (docs/gateway.md, "VictoriaLogs down or slow"; docs/manager.md, "Logs of workers and
Telemetry"): the real esb-gateway and esb-manager keep serving, the gateway's lines keep reaching stdout, the
shipping buffer (20,000 lines) drops what does not fit and counts it (`esb_gateway_log_lines_dropped_total`), and
when VictoriaLogs is back the buffered lines are shipped and the drops reported on stdout.

"Down" is a closed port on 127.0.0.1 (connections refused). "Slow" is a real listener that accepts connections and
never reads from them (each POST meets the shipper's 5 s send/receive timeout). "Back" is a small HTTP server in
this process standing in for VictoriaLogs' `/insert/jsonline` (VictoriaLogs itself cannot be pulled here).

Load: 24,000 `GET /health` requests, pipelined on one TLS connection, each of which writes one access line —
more than the buffer plus the one batch (at most 1,000 lines) the shipper holds while it retries.
"""
import json
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import gateway_support as gs

pytestmark = pytest.mark.timeout(420)

REQUESTS = 24_000
BUFFER = 20_000
BATCH = 1_000


@pytest.fixture(scope="module")
def box():
    # The manager ships to a closed port for the whole module: cold starts below go through it.
    manager_vl = gs.free_port()
    b = gs.Box()
    b.start_manager(VICTORIALOGS_URL=f"http://127.0.0.1:{manager_vl}")
    try:
        yield b
    finally:
        b.close()


class NeverReadingListener:
    """Accepts connections and holds them without reading a byte."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        self.sock.close()
        for c in self.held:
            c.close()


class VictoriaLogsBack:
    """`/insert/jsonline` answering 204, on a given port; counts the lines it received."""

    def __init__(self, port):
        self.lines = 0
        self.paths = set()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.paths.add(self.path)
                outer.lines += sum(1 for line in body.split(b"\n") if line.strip())
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def pipelined_health(gw, count, depth=400):
    """Sends `count` GET /health on one keep-alive TLS connection, `depth` at a time; the number answered 200."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    conn = ctx.wrap_socket(socket.create_connection(("127.0.0.1", gw.port), timeout=60), server_hostname="127.0.0.1")
    request = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    ok = 0
    try:
        for start in range(0, count, depth):
            n = min(depth, count - start)
            conn.sendall(request * n)
            received = b""
            while received.count(b"HTTP/1.1 ") < n:
                chunk = conn.recv(65536)
                if not chunk:
                    raise ConnectionError(f"closed after {ok + received.count(b'HTTP/1.1 200 ')} answers")
                received += chunk
            ok += received.count(b"HTTP/1.1 200 ")
    finally:
        conn.close()
    return ok


def dropped_metric(gw):
    status, text = gw.metrics()
    assert status == 200
    for line in text.splitlines():
        if line.startswith("esb_gateway_log_lines_dropped_total "):
            return int(float(line.split()[1]))
    raise AssertionError("no esb_gateway_log_lines_dropped_total in /metrics")


def telemetry_notices(gw):
    return [x.get("message", "") for x in gw.daemon.log_lines() if x.get("logger") == "telemetry"]


def shippable_lines(gw):
    """Lines the gateway wrote to stdout that are also meant for VictoriaLogs (its shipping notices are not)."""
    return sum(1 for x in gw.daemon.log_lines() if x.get("logger") != "telemetry")


def health_access_lines(gw):
    return sum(1 for x in gw.daemon.log_lines() if x.get("logger") == "gateway.access" and x.get("path") == "/health")


def invoke_through_the_manager(gw):
    """A real invocation (lease from the manager, RIE worker) answers 200."""
    status, _, body = gw.request("POST", "/echo", headers=gw.auth(), body=json.dumps(
        {"return": {"statusCode": 200, "body": "still serving"}}))
    assert status == 200, body
    assert body == b"still serving"


def assert_serving_and_dropping(gw, vl_url):
    assert pipelined_health(gw, REQUESTS) == REQUESTS
    invoke_through_the_manager(gw)
    # Every access line still reaches stdout (the writer gathers up to 10 ms before a write: wait for the last
    # batch, docs/observability.md).
    gs.wait_until(lambda: health_access_lines(gw) >= REQUESTS, 30, interval=0.2,
                  what=f"{REQUESTS} /health access lines on stdout")
    gs.wait_until(lambda: any(n.startswith(f"log shipping to {vl_url} failing") for n in telemetry_notices(gw)), 30,
                  what="the 'failing' notice on stdout")
    # What did not fit is dropped and counted: at most the buffer and the batch being retried are kept.
    dropped = dropped_metric(gw)
    assert REQUESTS - BUFFER - BATCH <= dropped <= REQUESTS + 100, dropped
    assert gw.daemon.alive()
    return dropped


def test_victorialogs_down_then_back(box):
    port = gs.free_port()
    url = f"http://127.0.0.1:{port}"
    gw = box.start_gateway(VICTORIALOGS_URL=url)
    dropped = assert_serving_and_dropping(gw, url)

    back = VictoriaLogsBack(port)
    try:
        # The next retry (backoff at most 30 s) finds it: the kept lines are shipped, the drops reported on stdout.
        gs.wait_until(lambda: any(n == f"log shipping to {url} recovered" for n in telemetry_notices(gw)), 90,
                      interval=0.5, what="the 'recovered' notice")
        gs.wait_until(lambda: back.lines >= BUFFER, 60, interval=0.5, what="the buffered lines shipped")
        gs.wait_until(lambda: any(n.startswith("log shipping buffer full:") for n in telemetry_notices(gw)), 30,
                      interval=0.5, what="the drop report")
        report = next(n for n in telemetry_notices(gw) if n.startswith("log shipping buffer full:"))
        assert int(report.split(":")[1].split()[0]) >= REQUESTS - BUFFER - BATCH
        assert back.paths == {"/insert/jsonline?_stream_fields=container_name&_msg_field=message&_time_field=_time"}
        # Nothing lost unaccounted: every line on stdout (but the shipper's own notices) was shipped or counted.
        gs.wait_until(lambda: back.lines + dropped_metric(gw) == shippable_lines(gw), 30, interval=0.5,
                      what="shipped + dropped == the lines written")
        # Shipping works again: a new request's line arrives.
        before = back.lines
        assert gw.request("GET", "/health")[0] == 200
        gs.wait_until(lambda: back.lines > before, 30, interval=0.2, what="a new line shipped")
        assert dropped_metric(gw) >= dropped
    finally:
        back.close()


def test_victorialogs_slow(box):
    listener = NeverReadingListener()
    url = f"http://127.0.0.1:{listener.port}"
    try:
        gw = box.start_gateway(VICTORIALOGS_URL=url)
        assert_serving_and_dropping(gw, url)
        # The shipper really reached it (and gave up on a connection that never answered).
        assert listener.held
    finally:
        listener.close()
