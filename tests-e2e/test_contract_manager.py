"""Contract §4.2 (Manager API: token, health, leases, heartbeat, delete, ensure), §4.3 (worker names, labels,
memory, restart policy, environment) and §4.5/§3.8 (log lines), against a real esb-manager on a Unix socket and
the real dockerd. The Manager here has no Gateway: this test plays the Gateway's part of the API."""
import http.client
import json
import os
import re
import subprocess
import time

import pytest

from contract.box import Box, UnixHTTPConnection, bin_dir, free_port

TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


@pytest.fixture(scope="module")
def mbox():
    box = Box()
    box.metrics_port = free_port()
    box.start_manager(CONTRACT_WHO="mgr", S3_ENDPOINT="http://s3.contract.test:9000",
                      DYNAMODB_ENDPOINT="http://ddb.contract.test:8001",
                      METRICS_LISTEN="127.0.0.1:%d" % box.metrics_port)
    try:
        yield box
    finally:
        box.close()


ENDPOINTS = [
    ("POST", "/v1/functions/echo/workers", {"count": 1}),
    ("GET", "/v1/workers", None),
    ("POST", "/v1/workers/heartbeat", {"leased": [], "released": []}),
    ("DELETE", "/v1/workers/" + "0" * 64, None),
    ("POST", "/containers/ensure", {"function_name": "echo"}),
]


@pytest.mark.parametrize("method,path,body", ENDPOINTS)
@pytest.mark.parametrize("token", [False, "wrong-token"])
def test_every_call_needs_the_token(mbox, method, path, body, token):
    status, headers, doc = mbox.manager_request(method, path, body, token=token)
    assert status == 401 and doc == {"message": "Unauthorized"}, (status, doc)


def test_health_needs_no_token(mbox):
    status, _, doc = mbox.manager_request("GET", "/health", token=False)
    assert status == 200 and doc["status"] == "healthy"


def test_lease_shape_and_worker_container(mbox):
    status, _, doc = mbox.manager_request("POST", "/v1/functions/echo/workers", {"count": 1})
    assert status == 201, doc
    assert doc["limit_reached"] is False and len(doc["workers"]) == 1
    w = doc["workers"][0]
    assert set(w) >= {"id", "name", "host", "port", "state"}
    assert re.fullmatch(r"[0-9a-f]{64}", w["id"])
    assert re.fullmatch(r"esb-echo-[0-9a-f]{8}", w["name"])
    assert w["host"] == "127.0.0.1" and isinstance(w["port"], int)
    # the container as Docker sees it (§4.3)
    info = json.loads(subprocess.run(["docker", "inspect", w["id"]], capture_output=True, check=True).stdout)[0]
    labels = info["Config"]["Labels"]
    assert labels["esb.managed"] == "true" and labels["esb.function"] == "echo" and labels.get("esb.config")
    assert info["HostConfig"]["Memory"] == 128 * 1024 * 1024
    assert info["HostConfig"]["RestartPolicy"]["Name"] in ("no", "")
    assert mbox.network in info["NetworkSettings"]["Networks"]
    env = dict(e.split("=", 1) for e in info["Config"]["Env"])
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "echo"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "128"
    assert env["AWS_LAMBDA_FUNCTION_TIMEOUT"] == "30"
    assert env["AWS_REGION"] and env["AWS_DEFAULT_REGION"] == "ap-northeast-1"
    assert env["AWS_ENDPOINT_URL_S3"] == env["S3_ENDPOINT"] == "http://s3.contract.test:9000"
    assert env["AWS_ENDPOINT_URL_DYNAMODB"] == env["DYNAMODB_ENDPOINT"] == "http://ddb.contract.test:8001"
    assert env["AWS_ENDPOINT_URL_LAMBDA"] == env["GATEWAY_INTERNAL_URL"]
    assert env["AWS_ACCESS_KEY_ID"] == mbox.access_key and env["AWS_SECRET_ACCESS_KEY"] == mbox.secret_key
    assert env["GREETING"] == "hello mgr $HOME $UNKNOWN_CONTRACT_VAR"
    # the list shows it leased
    status, _, listing = mbox.manager_request("GET", "/v1/workers")
    mine = [x for x in listing["workers"] if x["id"] == w["id"]]
    assert mine and mine[0]["leased"] is True and mine[0]["function"] == "echo" and mine[0]["state"] == "running"
    assert TIME_RE.match(mine[0]["created"]) and TIME_RE.match(mine[0]["last_used"])
    # release it; a second lease gets the same warm worker back
    status, _, hb = mbox.manager_request("POST", "/v1/workers/heartbeat", {"leased": [], "released": [w["id"]]})
    assert status == 200 and hb == {"revoked": []}
    status, _, again = mbox.manager_request("POST", "/v1/functions/echo/workers", {"count": 1})
    assert status == 201 and again["workers"][0]["id"] == w["id"] and again["workers"][0]["state"] == "warm"
    mbox.manager_request("POST", "/v1/workers/heartbeat", {"released": [w["id"]]})


def test_lease_within_max_concurrency(mbox):
    status, _, doc = mbox.manager_request("POST", "/v1/functions/echo-one/workers", {"count": 3})
    assert status == 201 and len(doc["workers"]) == 1 and doc["limit_reached"] is True
    status, _, doc2 = mbox.manager_request("POST", "/v1/functions/echo-one/workers", {"count": 1})
    assert status == 201 and doc2["workers"] == [] and doc2["limit_reached"] is True
    mbox.manager_request("POST", "/v1/workers/heartbeat", {"released": [doc["workers"][0]["id"]]})


def test_unknown_function_and_missing_image_are_404(mbox):
    status, _, doc = mbox.manager_request("POST", "/v1/functions/nope/workers", {"count": 1})
    assert status == 404 and set(doc) == {"message"}
    status, _, doc = mbox.manager_request("POST", "/v1/functions/missing-image/workers", {"count": 1})
    assert status == 404 and "esb-test/does-not-exist-contract:latest" in json.dumps(doc)


def test_heartbeat_revokes_unknown_ids(mbox):
    ghost = "f" * 64
    status, _, doc = mbox.manager_request("POST", "/v1/workers/heartbeat", {"leased": [ghost]})
    assert status == 200 and doc == {"revoked": [ghost]}


def test_delete_worker(mbox):
    status, _, doc = mbox.manager_request("POST", "/v1/functions/echo-drain/workers", {"count": 1})
    wid = doc["workers"][0]["id"]
    status, _, _ = mbox.manager_request("DELETE", "/v1/workers/" + wid)
    assert status == 204
    assert subprocess.run(["docker", "inspect", wid], capture_output=True).returncode != 0
    status, _, doc = mbox.manager_request("DELETE", "/v1/workers/" + wid)
    assert status == 404


def test_malformed_bodies_are_400(mbox):
    for path, body in [("/v1/functions/echo/workers", b"{nope"), ("/v1/functions/echo/workers", b'{"count": 0}'),
                       ("/v1/workers/heartbeat", b'{"leased": "x"}'), ("/containers/ensure", b"{}")]:
        status, _, doc = mbox.manager_request("POST", path, body)
        assert status == 400 and set(doc) == {"message"}, (path, status, doc)


def test_ensure_compatibility_call(mbox):
    status, _, doc = mbox.manager_request("POST", "/containers/ensure",
                                          {"function_name": "echo", "image": "ignored:latest", "env": {"A": "b"}})
    assert status == 200 and doc["host"] == "127.0.0.1" and isinstance(doc["port"], int)


def test_worker_log_lines_are_json_with_lifted_fields(mbox):
    status, _, doc = mbox.manager_request("POST", "/v1/functions/echo/workers", {"count": 1})
    w = doc["workers"][0]
    marker = "mgr-log-%d" % time.time_ns()
    event = {"print_json": {"marker": marker, "level": "WARNING", "function": "forged", "stream": "forged",
                            "container_name": "forged", "log_group": "/aws/lambda/x"}}
    conn = __import__("http.client").client.HTTPConnection(w["host"], w["port"], timeout=30)
    conn.request("POST", "/2015-03-31/functions/function/invocations", body=json.dumps(event))
    assert conn.getresponse().status == 200
    conn.close()
    deadline = time.time() + 10
    line = None
    while time.time() < deadline and line is None:
        line = next((x for x in mbox.manager.log_lines() if x.get("marker") == marker), None)
        time.sleep(0.2)
    assert line, "worker output not shipped as a JSON line"
    assert line["container_name"] == w["name"] and line["function"] == "echo" and line["stream"] == "stdout"
    assert line["level"] == "WARNING" and line["log_group"] == "/aws/lambda/x"
    assert TIME_RE.match(line["_time"])
    mbox.manager_request("POST", "/v1/workers/heartbeat", {"released": [w["id"]]})


def test_manager_own_log_lines_shape(mbox):
    lines = [x for x in mbox.manager.log_lines() if x.get("logger", "").startswith("manager")]
    assert lines
    for x in lines:
        assert TIME_RE.match(x["_time"]) and x["level"] and x["message"], x
        assert x["container_name"] == "esb-manager-contract"


def test_gateway_log_lines_shape(contract_gw):
    contract_gw.request("GET", "/health", headers={"X-Request-Id": "log-shape-rid"})
    access = contract_gw.daemon.wait_log_lines(lambda x: x.get("request_id") == "log-shape-rid")
    line = access[-1]
    for key in ("_time", "level", "logger", "message", "container_name", "request_id", "trace_id", "method", "path",
                "status", "latency_ms"):
        assert key in line, (key, line)
    assert TIME_RE.match(line["_time"]) and line["status"] == 200 and line["path"] == "/health"


def test_gateway_access_line_for_a_function_request(contract_gw):
    contract_gw.request("POST", "/open", body=b"{}", headers={"X-Request-Id": "log-fn-rid"})
    (line,) = contract_gw.daemon.wait_log_lines(lambda x: x.get("request_id") == "log-fn-rid"
                                                and x.get("logger") == "gateway.access")
    assert line["function"] == "echo" and line["status"] == 200 and line["method"] == "POST"
    assert isinstance(line["cold_start"], bool) and isinstance(line["queue_ms"], (int, float))
    assert isinstance(line["latency_ms"], (int, float)) and line.get("worker")


def test_leases_belong_to_one_gateway(mbox):
    """docs/manager-api.md (`X-ESB-Gateway`): another caller's heartbeat never takes over a held worker."""
    status, _, doc = mbox.manager_request("POST", "/v1/functions/echo-drain/workers", {"count": 1}, gateway="gw-a")
    assert status == 201
    wid = doc["workers"][0]["id"]
    status, _, hb = mbox.manager_request("POST", "/v1/workers/heartbeat", {"leased": [wid]}, gateway="gw-b")
    assert status == 200 and hb == {"revoked": [wid]}
    (entry,) = [w for w in mbox.manager_request("GET", "/v1/workers")[2]["workers"] if w["id"] == wid]
    assert entry["leased"] is True and entry["holder"] == "gw-a"
    # a release by the other caller does not end the holder's lease either
    mbox.manager_request("POST", "/v1/workers/heartbeat", {"released": [wid]}, gateway="gw-b")
    (entry,) = [w for w in mbox.manager_request("GET", "/v1/workers")[2]["workers"] if w["id"] == wid]
    assert entry["leased"] is True and entry["holder"] == "gw-a"
    status, _, hb = mbox.manager_request("POST", "/v1/workers/heartbeat", {"released": [wid]}, gateway="gw-a")
    assert hb == {"revoked": []}
    (entry,) = [w for w in mbox.manager_request("GET", "/v1/workers")[2]["workers"] if w["id"] == wid]
    assert entry["leased"] is False and entry["holder"] is None


def manager_metrics(mbox, path="/metrics"):
    conn = http.client.HTTPConnection("127.0.0.1", mbox.metrics_port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.getheader("Content-Type"), resp.read().decode()
    finally:
        conn.close()


def metric_samples(text):
    """{(name, frozenset(labels)): value} of a Prometheus text exposition."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)', line)
        assert m, line
        labels = frozenset(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples


def test_manager_metrics_listener_serves_prometheus_text_without_a_token(mbox):
    """§3.9: the real esb-manager's own /metrics on METRICS_LISTEN (plain HTTP, no token): workers by function and
    state, container operations (count and duration), adoptions, log lines shipped and dropped, process_* and
    build_info, following a lease and its release."""
    def leased(samples):
        return samples.get(("esb_manager_workers", frozenset({("function", "echo-four"), ("state", "leased")})), 0)

    status, ctype, text = manager_metrics(mbox)
    assert status == 200 and ctype.startswith("text/plain; version=0.0.4"), (status, ctype)
    before = metric_samples(text)
    status, _, doc = mbox.manager_request("POST", "/v1/functions/echo-four/workers", {"count": 1})
    assert status == 201, doc
    wid = doc["workers"][0]["id"]
    during = metric_samples(manager_metrics(mbox)[2])
    assert leased(during) == leased(before) + 1, (leased(before), leased(during))
    names = {name for name, _ in during}
    for family in ("esb_manager_workers", "esb_manager_container_operations_total",
                   "esb_manager_container_operation_duration_seconds_bucket", "esb_manager_adoptions_total",
                   "esb_manager_log_lines_shipped_total", "esb_manager_log_lines_dropped_total",
                   "process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds"):
        assert family in names, family
    states = {dict(labels)["state"] for name, labels in during if name == "esb_manager_workers"}
    assert {"starting", "running", "leased", "paused"} <= states, states
    ops = {dict(labels)["operation"] for name, labels in during if name == "esb_manager_container_operations_total"}
    assert {"create", "start"} <= ops, ops
    assert during[("process_resident_memory_bytes", frozenset())] > 0 and during[("process_open_fds", frozenset())] > 0
    version = subprocess.run([os.path.join(bin_dir(), "esb-manager"), "--version"], capture_output=True, text=True,
                             check=True).stdout.split()[-1]
    assert during[("esb_manager_build_info", frozenset({("version", version)}))] == 1, during
    mbox.manager_request("POST", "/v1/workers/heartbeat", {"released": [wid]})
    assert leased(metric_samples(manager_metrics(mbox)[2])) == leased(before)
    # the listener serves /metrics only
    assert manager_metrics(mbox, "/v1/workers")[0] == 404
