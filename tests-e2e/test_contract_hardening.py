"""Contract §8 (issue 13): bad input, faults and limits against the real daemons — file descriptors running out
under `accept`, interim status codes from a function, client request ids, unauthenticated uploads."""
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time

import pytest

from contract.box import Box, bin_dir, free_port, parse_responses, read_all, wait_until
from contract.fixtures import side_gateway


def prlimit_nofile(pid, limit):
    subprocess.run(["prlimit", "--pid", str(pid), "--nofile=%d:%d" % (limit, limit)], check=True)


def test_gateway_survives_accept_running_out_of_descriptors_and_accepts_again():
    """`accept4` failing with EMFILE again and again (more connections than descriptors) must not kill the gateway;
    once the connections close it serves again. The real limit is lowered on the running process with prlimit."""
    with side_gateway() as gw:
        prlimit_nofile(gw.daemon.pid, 64)
        socks = []
        try:
            for _ in range(120):
                socks.append(socket.create_connection((gw.host, gw.port), timeout=5))
            # The accept retry runs every 50 ms while descriptors are exhausted: give it many rounds.
            time.sleep(1.0)
            assert gw.daemon.alive(), gw.daemon.log_text()[-3000:]
        finally:
            for s in socks:
                s.close()
        # Descriptors free up as the gateway sees those clients go; then it accepts and serves again.
        wait_until(lambda: _health(gw) == 200, 30, what="the gateway to serve again")
        assert gw.daemon.alive()


def test_manager_survives_accept_running_out_of_descriptors_and_accepts_again():
    """The Manager shares the Reactor's accept loop: the same fault, on its TCP listener."""
    box = Box(manager_tcp=True)
    try:
        box.start_manager()
        wait_until(lambda: _manager_health(box) is not None, 30, what="manager health")
        prlimit_nofile(box.manager.pid, 64)
        socks = []
        try:
            for _ in range(120):
                socks.append(socket.create_connection(("127.0.0.1", box.manager_port), timeout=5))
            time.sleep(1.0)
            assert box.manager.alive(), box.manager.log_text()[-3000:]
        finally:
            for s in socks:
                s.close()
        wait_until(lambda: _manager_health(box) is not None, 30, what="the manager to serve again")
        assert box.manager.alive()
    finally:
        box.close()


def _manager_health(box):
    assert box.manager.alive(), box.manager.log_text()[-3000:]
    try:
        return box.manager_request("GET", "/health", token=False, timeout=3)[0]
    except OSError:
        return None


def _health(gw):
    assert gw.daemon.alive(), gw.daemon.log_text()[-3000:]
    try:
        return gw.request("GET", "/health", timeout=3)[0]
    except OSError:
        return None


# --- §3.5: a 1xx statusCode is not an answer -----------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/open", "/v2/open"])
@pytest.mark.parametrize("code", [100, 101, 103])
def test_an_interim_status_code_from_the_function_is_502(contract_gw, path, code):
    """The real RIE returns the function's `{"statusCode": 101}`; the client gets 502 at once instead of an interim
    response followed by silence until the idle close."""
    status, _, body = contract_gw.request(
        "POST", path, body=json.dumps({"return": {"statusCode": code, "body": "x"}}),
        headers={"Content-Type": "application/json"}, timeout=20)
    assert (status, json.loads(body)) == (502, {"message": "Internal server error"})


# --- §3.4: X-Request-Id characters ---------------------------------------------------------------------------------

@pytest.mark.parametrize("given", ["../../x", "a b", "x" * 129, "id\u00e9"])
def test_a_request_id_outside_the_allowed_characters_is_replaced_and_the_invocation_works(contract_gw, given):
    status, headers, body = contract_gw.request("GET", "/open", headers={"X-Request-Id": given.encode("utf-8")},
                                                timeout=30)
    assert status == 200, body
    seen = json.loads(body)
    request_id = headers["x-request-id"][0]
    assert request_id != given
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", request_id)
    # The same id reaches the function as its invocation id and the event's requestContext.requestId.
    assert seen["request_id"] == request_id
    assert seen["event"]["requestContext"]["requestId"] == request_id


def test_a_request_id_inside_the_allowed_characters_is_the_invocation_id(contract_gw):
    given = "client-1.a_b:c"
    status, headers, body = contract_gw.request("GET", "/open", headers={"X-Request-Id": given}, timeout=30)
    assert status == 200
    assert headers["x-request-id"] == [given] and json.loads(body)["request_id"] == given


# --- §3.4 / §3.10: memory before authentication ----------------------------------------------------------------------

def _declared_upload(gw, path, extra_headers=b"", declared=6_000_000, sent=1024, timeout=10):
    """Sends a head declaring `declared` body bytes and `sent` of them; returns (responses, closed)."""
    s = gw.tls_socket(timeout)
    try:
        s.sendall(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                  + extra_headers + b"Content-Length: %d\r\n\r\n" % declared + b"x" * sent)
        raw = read_all(s, timeout, until_close=False)
        return parse_responses(raw)
    finally:
        s.close()


@pytest.mark.parametrize("path,extra,status", [
    ("/echo", b"", 401),                                                     # a JWT route, no token
    ("/echo", b"Authorization: Bearer not.a.token\r\n", 401),
    ("/nowhere", b"", 401),                                                  # unknown path: JWT first
    ("/user/auth/ver1.0", b"x-api-key: wrong\r\n", 401),                     # login without the right key
    ("/2015-03-31/functions/echo/invocations", b"", 403),                    # Invoke API without credentials
    ("/2015-03-31/functions/echo/invocations",
     b"Authorization: AWS4-HMAC-SHA256 Credential=AKIDUNKNOWN/20260101/ap-northeast-1/lambda/aws4_request, "
     b"SignedHeaders=host;x-amz-date, Signature=" + b"0" * 64 + b"\r\nX-Amz-Date: 20260101T000000Z\r\n", 403),
])
def test_an_unauthenticated_upload_is_answered_from_its_head(contract_gw, path, extra, status):
    """A head declaring 6,000,000 bytes and 1 KiB of body, without valid credentials: the answer comes without the
    rest of the body (the gateway used to wait for it, holding what arrived, until the body timeout)."""
    responses = _declared_upload(contract_gw, path, extra)
    assert responses, "no answer before the rest of the body"
    got_status, headers, _ = responses[0]
    assert got_status == status
    assert headers["connection"] == ["close"]
    assert "x-request-id" in headers


def test_an_authenticated_upload_is_still_read_and_served(contract_gw, contract_auth):
    body = json.dumps({"print": "y" * 200_000}).encode()
    status, _, data = contract_gw.request("POST", "/echo", body=body,
                                          headers=dict(contract_auth, **{"Content-Type": "application/json"}))
    assert status == 200, data


def test_unauthenticated_slow_uploads_hold_no_memory_and_get_answers():
    """Many unauthenticated connections each declaring 6 MiB and trickling bytes: every one is answered 401 from
    its head, and the gateway's resident memory stays near where it started (it used to grow by what each held)."""
    with side_gateway(MAX_INFLIGHT_BODY_BYTES=str(8 * 1024 * 1024)) as gw:
        rss_before = _rss_kib(gw.daemon.pid)
        socks = []
        try:
            for _ in range(40):
                s = gw.tls_socket(10)
                s.sendall(b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 6291456\r\n\r\n" + b"z" * 65536)
                socks.append(s)
            answers = [parse_responses(read_all(s, 10, until_close=False)) for s in socks]
        finally:
            for s in socks:
                s.close()
        assert all(a and a[0][0] == 401 for a in answers), answers[:3]
        rss_after = _rss_kib(gw.daemon.pid)
        print("gateway RSS before %d KiB, after 40 unauthenticated uploads %d KiB" % (rss_before, rss_after))
        assert gw.daemon.alive()


def _rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


# --- §2.1: configuration values out of range -------------------------------------------------------------------------

OUT_OF_RANGE = [
    ("timeout 1e300", "functions:\n  echo:\n    timeout: 1e300\n", "3:14", "at most 900"),
    ("timeout 901", "defaults:\n  timeout: 901\nfunctions: {}\n", "2:12", "at most 900"),
    ("memory_size huge", "functions:\n  echo:\n    memory_size: 1000000000\n", "3:18", "at most 10240"),
]


@pytest.mark.parametrize("daemon", ["esb-gateway", "esb-manager"])
@pytest.mark.parametrize("name,text,position,words", OUT_OF_RANGE, ids=[c[0] for c in OUT_OF_RANGE])
def test_out_of_range_values_are_located_errors_of_check_config(daemon, tmp_path, name, text, position, words):
    (tmp_path / "functions.yml").write_text(text)
    (tmp_path / "routing.yml").write_text("routes: []\n")
    env = {"PATH": os.environ["PATH"], "FUNCTIONS_CONFIG_PATH": "functions.yml", "ROUTING_CONFIG_PATH": "routing.yml",
           "JWT_SECRET_KEY": "k" * 40}
    p = subprocess.run([os.path.join(bin_dir(), daemon), "--check-config"], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=60)
    lines = [line for line in p.stdout.splitlines() if line.strip()]
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert lines == [lines[0]] and lines[0].startswith("functions.yml:%s: " % position) and words in lines[0], lines


@pytest.mark.parametrize("variable,value", [("JWT_EXPIRES_DELTA", "9223372036854775000"),
                                            ("HTTP_BODY_TIMEOUT", "1e300")])
def test_gateway_refuses_out_of_range_environment_with_the_variable_named(tmp_path, variable, value):
    env = {"PATH": os.environ["PATH"], "FUNCTIONS_CONFIG_PATH": str(tmp_path / "f.yml"),
           "ROUTING_CONFIG_PATH": str(tmp_path / "r.yml"), "JWT_SECRET_KEY": "k" * 40, variable: value}
    env.update({"GATEWAY_LISTEN": "127.0.0.1:%d" % free_port(), "TLS_CERT_PATH": str(tmp_path / "c.crt"),
                "TLS_KEY_PATH": str(tmp_path / "c.key"), "MANAGER_URL": "unix://" + str(tmp_path / "none.sock")})
    # The gateway must refuse to start (it used to start and trap later, on the first login or body wait).
    p = subprocess.run([os.path.join(bin_dir(), "esb-gateway")], env=env, capture_output=True, text=True, timeout=60)
    assert 0 < p.returncode < 128, (p.returncode, p.stdout, p.stderr)   # refused, not killed by a trap
    assert variable in p.stdout + p.stderr


def test_sighup_with_an_out_of_range_timeout_keeps_both_daemons_and_the_old_configuration():
    """`timeout: 1e300` trapped the Manager on SIGHUP; now the reload is refused with the located line and the old
    configuration keeps serving."""
    with side_gateway() as gw:
        box = gw.box
        assert gw.request("GET", "/open", timeout=30)[0] == 200
        good = open(box.functions_path).read()
        bad = good.replace("    timeout: 2\n", "    timeout: 1e300\n", 1)
        assert bad != good
        with open(box.functions_path, "w") as f:
            f.write(bad)
        box.manager.send(signal.SIGHUP)
        gw.daemon.send(signal.SIGHUP)
        try:
            box.manager.wait_log_text("at most 900", timeout=15)
            gw.daemon.wait_log_text("at most 900", timeout=15)
        except AssertionError:
            raise AssertionError(box.manager.log_text()[-1500:] + "\n----\n" + gw.daemon.log_text()[-1500:])
        assert box.manager.alive() and gw.daemon.alive()
        # The old configuration: echo-short still has its 2 s timeout and serves.
        status, _, body = gw.request("POST", "/short", body=json.dumps({"return": {"statusCode": 200, "body": "s"}}),
                                     timeout=30)
        assert (status, body) == (200, b"s")


# --- §4.5 / §8: a function printing a huge line ----------------------------------------------------------------------

def test_a_huge_output_line_is_cut_at_256_kib_with_a_marker_and_the_rest_counted(contract_box, contract_gw):
    """A function prints one 5 MiB line (the real RIE and runtime, the Manager following Docker's log stream): the
    Manager writes its first 256 KiB with the cut marker and `cut: true`, then a WARNING with the bytes dropped —
    never one 5 MiB log line (it used to write the whole line, and buffer output without newlines without limit)."""
    marker = "cutme-%s-" % secrets.token_hex(4)
    text = marker + "q" * (5 * 1024 * 1024 - len(marker))
    client = contract_gw.lambda_client()
    resp = client.invoke(FunctionName="echo", Payload=json.dumps({"print": text, "return": {"ok": True}}).encode())
    assert resp["StatusCode"] == 200 and "FunctionError" not in resp
    manager = contract_box.manager
    cut = manager.wait_log_lines(lambda x: str(x.get("message", "")).startswith(marker), timeout=30)[0]
    assert cut.get("cut") is True and cut["function"] == "echo" and cut["stream"] == "stdout"
    assert cut["message"] == text[:256 * 1024] + " [cut: line longer than 262144 bytes]"
    notice = manager.wait_log_lines(
        lambda x: x.get("dropped_bytes") == len(text) - 256 * 1024 and x.get("level") == "WARNING", timeout=30)[0]
    assert notice["container_name"] == cut["container_name"]
    longest = max(len(line) for line in open(manager.log_path, "rb").read().splitlines())
    assert longest < 300 * 1024, longest
    assert manager.alive()
