"""Gateway lifecycle and faults with real processes (docs/contract.md §2.3, §3.1, §3.10 SHUTDOWN_TIMEOUT, §8).

SIGHUP reload (routes and TLS certificate; a broken file keeps the old configuration), SIGTERM drain (in-flight
requests finish, new connections are refused, Event invocations finish, exit within the deadline), the Manager
restarted under load (no failed request), and the secrets policy at start-up.
"""
import json
import os
import signal
import socket
import ssl
import subprocess
import threading
import time

import pytest

import gateway_support as gs

box = pytest.fixture(scope="module")(gs.box_fixture)


def cert_fingerprint(port):
    pem = ssl.get_server_certificate(("127.0.0.1", port))
    return ssl.PEM_cert_to_DER_cert(pem)


def test_sighup_reloads_routes_and_keeps_old_config_on_error(box):
    gw = box.start_gateway()
    token = gw.login()
    original = open(box.routing_path).read()
    try:
        assert gw.request("GET", "/added", headers=gw.auth(token))[0] == 404
        with open(box.routing_path, "w") as f:
            f.write(original + '  - path: "/added"\n    method: "GET"\n    function: "echo"\n')
        gw.daemon.send(signal.SIGHUP)
        gs.wait_until(lambda: gw.request("GET", "/added", headers=gw.auth(token))[0] == 200, 10, what="new route")
        with open(box.routing_path, "w") as f:
            f.write("routes:\n  - path: [broken\n")
        gw.daemon.send(signal.SIGHUP)
        gs.wait_until(lambda: any(box.routing_path + ":" in json.dumps(l) and l.get("level") == "ERROR"
                                  for l in gw.daemon.log_lines()), 10, what="reload error line")
        assert gw.request("GET", "/added", headers=gw.auth(token))[0] == 200
        assert gw.daemon.alive()
    finally:
        with open(box.routing_path, "w") as f:
            f.write(original)


def test_sighup_reloads_the_tls_certificate(box):
    gw = box.start_gateway()
    before = cert_fingerprint(gw.port)
    cert, key = gw.env["TLS_CERT_PATH"], gw.env["TLS_KEY_PATH"]
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=reloaded"], check=True,
                   capture_output=True)
    gw.daemon.send(signal.SIGHUP)
    gs.wait_until(lambda: cert_fingerprint(gw.port) != before, 10, what="new certificate served")
    assert gw.request("GET", "/health")[0] == 200


def test_sigterm_drains_in_flight_refuses_new_and_exits_in_time(box):
    gw = box.start_gateway(SHUTDOWN_TIMEOUT="8")
    token = gw.login()
    assert gw.request("GET", "/echo", headers=gw.auth(token))[0] == 200  # warm
    result = {}

    def slow():
        result["slow"] = gw.request("POST", "/echo", body=json.dumps({"sleep": 2}), headers=gw.auth(token))[0]

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.5)
    event = gw.lambda_client().invoke(FunctionName="echo", InvocationType="Event",
                                      Payload=json.dumps({"sleep": 1.5, "print": "event-during-drain"}).encode())
    assert event["StatusCode"] == 202
    sent = time.monotonic()
    gw.daemon.send(signal.SIGTERM)
    time.sleep(0.3)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", gw.port), timeout=2).close()
    t.join(20)
    assert result.get("slow") == 200
    gw.daemon.proc.wait(15)
    took = time.monotonic() - sent
    assert took < 8 + 2, took
    assert gw.daemon.proc.returncode == 0
    lines = gw.daemon.log_lines()
    assert any(l.get("invocation_type") == "Event" and l.get("outcome") == "success" for l in lines)


def test_manager_restarted_under_load_no_failed_request(box):
    gw = box.start_gateway()
    token = gw.login()
    # Warm the pool so the workers are leased to the gateway before the Manager goes away.
    for _ in range(4):
        assert gw.request("GET", "/echo", headers=gw.auth(token))[0] == 200
    stop = threading.Event()
    statuses = []
    lock = threading.Lock()

    def client():
        conn = gw.connection()
        while not stop.is_set():
            try:
                status = gw.request("POST", "/echo", body=json.dumps({"sleep": 0.05}), headers=gw.auth(token),
                                    conn=conn)[0]
            except OSError as e:
                status = repr(e)
                conn = gw.connection()
            with lock:
                statuses.append(status)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(2)
    box.manager.stop()
    time.sleep(3)
    box.start_manager()
    time.sleep(4)
    stop.set()
    for t in threads:
        t.join(30)
    assert len(statuses) > 20
    assert set(statuses) == {200}, {str(s) for s in statuses}


def _start_expecting_exit(box, **env):
    gw_env = dict(os.environ)
    gw_env.update({
        "GATEWAY_LISTEN": f"127.0.0.1:{gs.free_port()}", "MANAGER_URL": "unix://" + box.manager_socket,
        "TLS_CERT_PATH": os.path.join(box.dir, "policy.crt"), "TLS_KEY_PATH": os.path.join(box.dir, "policy.key"),
        "FUNCTIONS_CONFIG_PATH": box.functions_path, "ROUTING_CONFIG_PATH": box.routing_path,
        "EVENT_SPOOL_DIR": os.path.join(box.dir, "policy-events"),
    })
    gw_env.update(env)
    return subprocess.run([os.path.join(box.bin, "esb-gateway")], env=gw_env, capture_output=True, text=True,
                          timeout=20)


DEV = {"JWT_SECRET_KEY": "dev-jwt-secret-change-me-in-production-0123456789", "X_API_KEY": "dev-api-key-change-in-production",
       "AUTH_USER": "admin", "AUTH_PASS": "dev-password-change-in-production",
       "MANAGER_TOKEN": "dev-manager-token-change-in-production"}


def test_production_refuses_development_secrets(box):
    run = _start_expecting_exit(box, ESB_ENV="production", **DEV)
    assert run.returncode != 0
    assert "production" in (run.stdout + run.stderr)


def test_short_jwt_key_is_always_refused(box):
    run = _start_expecting_exit(box, **{**DEV, "JWT_SECRET_KEY": "short"})
    assert run.returncode != 0
    assert "JWT_SECRET_KEY" in (run.stdout + run.stderr)


def test_a_second_gateway_on_the_same_event_spool_is_refused_and_the_first_keeps_serving(box):
    """docs/async-invocations.md: one gateway per EVENT_SPOOL_DIR (a lock file held for the process's life). A second
    gateway given the first one's directory stops at start-up with a clear error instead of replaying, retrying and
    dead-recording the first one's events as its own; the first is untouched. A successor after a kill -9 starts at
    once (test_async_events.py restarts on the same directory after SIGKILL)."""
    gw = box.start_gateway()
    token = gw.login()
    run = _start_expecting_exit(
        box, **{**DEV, "ESB_ENV": "development", "EVENT_SPOOL_DIR": gw.env["EVENT_SPOOL_DIR"],
                "CONTAINER_NAME": gw.env["CONTAINER_NAME"] + "-second"})
    out = run.stdout + run.stderr
    assert run.returncode == 1, (run.returncode, out[-2000:])
    assert "in use by another esb-gateway" in out and gw.env["EVENT_SPOOL_DIR"] in out, out[-2000:]
    assert gw.request("GET", "/health")[0] == 200
    assert gw.request("POST", "/echo", body="{}", headers=gw.auth(token))[0] == 200
    gw.stop()


def test_development_secrets_start_with_a_loud_warning(box):
    gw = box.start_gateway(**DEV)
    gw.daemon.wait_log_lines(lambda l: l.get("level") == "WARNING" and "INSECURE" in l.get("message", ""), count=4)
    gw.stop()


def test_log_lines_are_shipped_to_victorialogs(box):
    """VICTORIALOGS_URL: lines also go to /insert/jsonline. A small HTTP server stands in for VictoriaLogs."""
    import http.server

    received = []

    class Sink(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append((self.path, body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        gw = box.start_gateway(VICTORIALOGS_URL=f"http://127.0.0.1:{server.server_address[1]}")
        rid = "shipped-" + os.urandom(4).hex()
        assert gw.request("GET", "/health", headers={"X-Request-Id": rid})[0] == 200
        gs.wait_until(lambda: any(rid.encode() in body for _, body in received), 15, what="shipped access line")
        path, body = next((p, b) for p, b in received if rid.encode() in b)
        assert path.startswith("/insert/jsonline?") and "_stream_fields=container_name" in path
        line = next(json.loads(l) for l in body.splitlines() if rid.encode() in l)
        assert line["container_name"] == gw.env["CONTAINER_NAME"] and line["status"] == 200
        gw.stop()
    finally:
        server.shutdown()


def test_sighup_reloads_functions_yml(box):
    gw = box.start_gateway()
    token = gw.login()
    path = "/2015-03-31/functions/echo-two/invocations"
    assert gw.request("POST", path, body=b'{"return": 1}', headers=gw.auth(token))[0] == 200
    original = open(box.functions_path).read()
    try:
        with open(box.functions_path, "w") as f:
            f.write(original.replace("  echo-two:\n", "  echo-renamed:\n"))
        gw.daemon.send(signal.SIGHUP)
        gs.wait_until(lambda: gw.request("POST", path, body=b"{}", headers=gw.auth(token))[0] == 404, 10,
                      what="removed function answers 404")
        status, headers, _ = gw.request("POST", path, body=b"{}", headers=gw.auth(token))
        assert headers["x-amzn-errortype"] == ["ResourceNotFoundException"]
        # The route to the removed function now answers 502 (logged), the others still run.
        assert gw.request("GET", "/two", headers=gw.auth(token))[0] == 502
        assert gw.request("GET", "/echo", headers=gw.auth(token))[0] == 200
    finally:
        with open(box.functions_path, "w") as f:
            f.write(original)
        gw.daemon.send(signal.SIGHUP)
