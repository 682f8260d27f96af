"""Contract §3.7 (pools, concurrency, 429, warm path), §3.5/§8 (a worker killed mid-invocation), §4.4 (Manager
restarted under load), §3.7 last bullet (Gateway restart: first request warm) and §3.10/§8 (SIGTERM drain), with
real esb-gateway/esb-manager processes, real RIE workers and concurrent real clients."""
import json
import os
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from contract.box import Box, wait_until
from contract.fixtures import side_gateway


def post(gw, path, command, timeout=60):
    status, headers, body = gw.request("POST", path, body=json.dumps(command), timeout=timeout)
    return status, headers, body


def leased_lines(box):
    return [line for line in box.manager.log_lines() if line.get("message") == "workers leased"]


def test_16_concurrent_requests_on_max_concurrency_4(contract_gw, contract_box):
    def one(i):
        return post(contract_gw, "/four", {"sleep": 0.4, "return": {"statusCode": 200, "body": "r%d" % i}})

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(one, range(16)))
    assert [(r[0], r[2]) for r in results] == [(200, b"r%d" % i) for i in range(16)]
    workers = [c for c in contract_box.containers() if c[1].startswith("esb-echo-four-")]
    assert 1 <= len(workers) <= 4, workers
    assert all(c[2] == "running" for c in workers), workers
    # a second wave on warm workers: no container exits, nothing new created beyond the limit
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(one, range(16)))
    assert all(r[0] == 200 for r in results)
    workers = [c for c in contract_box.containers() if c[1].startswith("esb-echo-four-")]
    assert len(workers) <= 4 and all(c[2] == "running" for c in workers), workers


def test_warm_requests_make_no_manager_call(contract_gw, contract_box):
    assert post(contract_gw, "/open", {"return": {"statusCode": 200, "body": "warm-up"}})[0] == 200
    time.sleep(0.5)    # the warm-up's own lease line (if it was a cold start) may reach the log a moment later
    before = len(leased_lines(contract_box))
    for i in range(20):
        assert post(contract_gw, "/open", {"return": {"statusCode": 200, "body": "w"}})[0] == 200
    assert len(leased_lines(contract_box)) == before
    access = contract_gw.daemon.wait_log_lines(
        lambda x: x.get("logger") == "gateway.access" and x.get("path") == "/open", count=21)[-20:]
    assert all(line.get("cold_start") is False for line in access), access


@pytest.fixture(scope="module")
def throttling_gw():
    with side_gateway(POOL_ACQUIRE_TIMEOUT="1") as gw:
        yield gw


def test_saturated_function_answers_429_with_retry_after(throttling_gw):
    gw = throttling_gw
    assert post(gw, "/one", {"return": {"statusCode": 200, "body": "warm"}})[0] == 200
    holder = threading.Thread(target=post, args=(gw, "/one", {"sleep": 3}))
    holder.start()
    time.sleep(0.5)
    t0 = time.monotonic()
    status, headers, body = post(gw, "/one", {"return": {"statusCode": 200, "body": "late"}})
    waited = time.monotonic() - t0
    holder.join()
    assert status == 429 and json.loads(body) == {"message": "Too Many Requests"}
    assert headers["retry-after"] == ["1"]
    assert headers.get("x-request-id") and headers.get("x-amzn-trace-id")
    assert 0.8 <= waited < 4, waited
    # and once the worker is free again, requests go through
    assert post(gw, "/one", {"return": {"statusCode": 200, "body": "again"}})[:3:2] == (200, b"again")


def test_saturated_invoke_api_is_too_many_requests(throttling_gw):
    gw = throttling_gw
    client = gw.lambda_client()
    holder = threading.Thread(target=post, args=(gw, "/one", {"sleep": 3}))
    holder.start()
    time.sleep(0.5)
    try:
        with pytest.raises(client.exceptions.TooManyRequestsException) as e:
            client.invoke(FunctionName="echo-one", Payload=b"{}")
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    finally:
        holder.join()


def test_first_come_first_served_waiters(throttling_gw):
    """Three waiters on a one-worker function with a 1 s acquire timeout: each invocation takes 0.1 s, so all are
    served in arrival order within the timeout. Each connection (and its TLS handshake) is made before the
    staggered sends, so the order of arrival is the order of the sends, 0.15 s apart."""
    gw = throttling_gw
    assert post(gw, "/one", {"return": {"statusCode": 200, "body": "warm"}})[0] == 200   # no cold start inside
    order = []
    lock = threading.Lock()
    conns = [gw.connection() for _ in range(3)]
    for conn in conns:
        conn.connect()

    def one(i):
        time.sleep(i * 0.15)
        status, _, body = gw.request("POST", "/one", body=json.dumps(
            {"sleep": 0.1, "return": {"statusCode": 200, "body": str(i)}}), conn=conns[i])
        with lock:
            order.append((status, body))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert order == [(200, b"0"), (200, b"1"), (200, b"2")], order


def test_worker_killed_mid_invocation_is_502_and_next_request_works():
    with side_gateway() as gw:
        box = gw.box
        assert post(gw, "/drain", {"return": {"statusCode": 200, "body": "warm"}})[0] == 200
        (victim,) = [c for c in box.containers() if c[1].startswith("esb-echo-drain-")]
        result = {}
        t = threading.Thread(target=lambda: result.setdefault("r", post(gw, "/drain", {"sleep": 5})))
        t.start()
        time.sleep(1.0)
        subprocess.run(["docker", "kill", victim[0]], capture_output=True, check=True)
        t.join(30)
        status, headers, body = result["r"]
        assert status == 502 and json.loads(body) == {"message": "Internal server error"}
        status, _, body = post(gw, "/drain", {"return": {"statusCode": 200, "body": "next"}})
        assert (status, body) == (200, b"next")
        # the gateway told the Manager: the dead worker is gone from its list
        wait_until(lambda: victim[0] not in json.dumps(box.manager_request("GET", "/v1/workers")[2]), 10,
                   what="dead worker removed from the Manager's list")


def test_manager_restart_under_load_loses_no_request():
    with side_gateway() as gw:
        box = gw.box
        stop = threading.Event()
        results = []

        def load():
            while not stop.is_set():
                try:
                    results.append(post(gw, "/open",
                                        {"return": {"statusCode": 200, "body": "x"}}, timeout=30)[0])
                except OSError as e:
                    results.append(repr(e))

        assert post(gw, "/open", {"return": {"statusCode": 200, "body": "warm"}})[0] == 200
        before = {c[0] for c in box.containers() if c[2] == "running"}
        threads = [threading.Thread(target=load) for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        box.manager.stop()
        time.sleep(1.0)
        box.start_manager(CONTRACT_WHO="side")
        time.sleep(2.0)
        stop.set()
        for t in threads:
            t.join()
        assert results and all(r == 200 for r in results), [r for r in results if r != 200][:5]
        after = {c[0] for c in box.containers() if c[2] == "running"}
        assert before <= after, (before, after)          # adopted, not replaced
        adopted = [line for line in box.manager.log_lines() if line.get("message") == "sync completed"]
        assert adopted and adopted[-1].get("adopted", 0) >= 1, adopted


def test_gateway_restart_first_request_is_warm():
    with side_gateway() as gw:
        box = gw.box
        assert post(gw, "/open", {"return": {"statusCode": 200, "body": "warm"}})[0] == 200
        # a crash-like stop: SIGKILL leaves the lease in place, as a gateway that died would
        gw.daemon.proc.kill()
        gw.daemon.proc.wait()
        # A restart keeps its name (CONTAINER_NAME is the gateway's lease identity, docs/gateway-pools.md).
        gw2 = box.start_gateway(CONTAINER_NAME=gw.env["CONTAINER_NAME"])
        status, _, body = post(gw2, "/open", {"return": {"statusCode": 200, "body": "after"}})
        assert (status, body) == (200, b"after")
        access = gw2.daemon.wait_log_lines(lambda x: x.get("logger") == "gateway.access"
                                           and x.get("path") == "/open")
        assert access and access[0].get("cold_start") is False, access


# --- SIGTERM drain (§3.10 SHUTDOWN_TIMEOUT, §8) -------------------------------------------------------------------

def connect_refused(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return False
    except ConnectionRefusedError:
        return True
    except OSError:
        return False


def test_sigterm_drains_in_flight_refuses_new_and_exits_0():
    with side_gateway(SHUTDOWN_TIMEOUT="10") as gw:
        assert post(gw, "/drain", {"return": {"statusCode": 200, "body": "warm"}})[0] == 200
        result = {}
        t = threading.Thread(target=lambda: result.setdefault(
            "r", post(gw, "/drain", {"sleep": 2, "return": {"statusCode": 200, "body": "finished"}})))
        t.start()
        time.sleep(0.5)
        t0 = time.monotonic()
        gw.daemon.send(signal.SIGTERM)
        wait_until(lambda: connect_refused(gw.port), 2, interval=0.05, what="listener closed")
        t.join(15)
        assert result["r"][0] == 200 and result["r"][2] == b"finished"
        code = gw.daemon.proc.wait(12)
        assert code == 0
        assert time.monotonic() - t0 < 10


def test_sigterm_exits_at_the_shutdown_timeout():
    with side_gateway(SHUTDOWN_TIMEOUT="2") as gw:
        assert post(gw, "/drain", {"return": {"statusCode": 200, "body": "warm"}})[0] == 200
        t = threading.Thread(target=lambda: _swallow(lambda: post(gw, "/drain", {"sleep": 20}, timeout=30)))
        t.start()
        time.sleep(0.5)
        t0 = time.monotonic()
        gw.daemon.send(signal.SIGTERM)
        gw.daemon.proc.wait(18)   # raises if the gateway waits for the 20 s invocation instead of SHUTDOWN_TIMEOUT
        print("SIGTERM to exit with an invocation in flight: %.2f s (SHUTDOWN_TIMEOUT 2 s)" % (time.monotonic() - t0))
        t.join(30)


def test_sigterm_closes_idle_keep_alive_connections():
    with side_gateway(SHUTDOWN_TIMEOUT="10") as gw:
        conn = gw.connection()
        assert gw.request("GET", "/health", conn=conn)[0] == 200
        t0 = time.monotonic()
        gw.daemon.send(signal.SIGTERM)
        gw.daemon.proc.wait(8)   # raises if the idle keep-alive connection held the drain to SHUTDOWN_TIMEOUT (10 s)
        print("SIGTERM to exit with an idle keep-alive connection: %.2f s" % (time.monotonic() - t0))
        conn.close()


def _swallow(fn):
    try:
        fn()
    except Exception:
        pass


def test_sigterm_waits_for_accepted_event_invocations():
    with side_gateway(SHUTDOWN_TIMEOUT="10") as gw:
        marker = "drain-event-%d" % time.time_ns()
        client = gw.lambda_client()
        resp = client.invoke(FunctionName="echo-drain", InvocationType="Event",
                             Payload=json.dumps({"sleep": 1.5, "print": marker}))
        assert resp["StatusCode"] == 202
        gw.daemon.send(signal.SIGTERM)
        assert gw.daemon.proc.wait(15) == 0
        # the accepted invocation ran to its end before the gateway exited
        wait_until(lambda: marker in gw.box.manager.log_text(), 5, what="event output")
        done = [x for x in gw.daemon.log_lines() if x.get("invocation_type") == "Event" and x.get("outcome")]
        assert any(x.get("outcome") == "success" for x in done), done


def test_worker_dead_before_delivery_is_retried_on_another():
    """§3.5: a worker unreachable before the event was delivered → retried once on another worker."""
    with side_gateway() as gw:
        assert post(gw, "/drain", {"return": {"statusCode": 200, "body": "warm"}})[0] == 200
        (victim,) = [c for c in gw.box.containers() if c[1].startswith("esb-echo-drain-")]
        subprocess.run(["docker", "kill", victim[0]], capture_output=True, check=True)
        time.sleep(0.3)
        status, _, body = post(gw, "/drain", {"return": {"statusCode": 200, "body": "retried"}})
        assert (status, body) == (200, b"retried")


def test_event_invocation_answers_202_at_once(contract_gw):
    # Evidence, not a clock: the gateway writes an Event attempt's line when the attempt has ended (the function
    # sleeps 3 s), so when the 202 arrives there is no such line for its request id yet — and later there is.
    client = contract_gw.lambda_client()
    resp = client.invoke(FunctionName="echo", InvocationType="Event", Payload=json.dumps({"sleep": 3}))
    assert resp["StatusCode"] == 202
    request_id = resp["ResponseMetadata"]["RequestId"]

    def attempts():
        return [x for x in contract_gw.daemon.log_lines()
                if x.get("invocation_type") == "Event" and x.get("request_id") == request_id and x.get("outcome")]
    assert attempts() == []
    wait_until(lambda: attempts() != [], 30, interval=0.2, what="the event's attempt line")
    assert attempts()[0]["outcome"] == "success"


def test_manager_restart_never_hands_out_a_busy_adopted_worker():
    """§4.4: adopted workers the gateway still holds are not leased to anyone else before its next heartbeat."""
    with side_gateway() as gw:
        box = gw.box
        assert post(gw, "/drain", {"return": {"statusCode": 200, "body": "warm"}})[0] == 200
        out = {}
        slow = threading.Thread(target=lambda: out.setdefault(
            "slow", post(gw, "/drain", {"sleep": 3, "return": {"statusCode": 200, "body": "slow"}})))
        slow.start()
        time.sleep(0.3)
        box.manager.stop()
        box.start_manager(CONTRACT_WHO="side")
        out["second"] = post(gw, "/drain", {"return": {"statusCode": 200, "body": "second"}})
        slow.join()
        assert (out["slow"][0], out["slow"][2]) == (200, b"slow")
        assert (out["second"][0], out["second"][2]) == (200, b"second")
        drain = [c for c in box.containers() if c[1].startswith("esb-echo-drain-")]
        assert len(drain) == 2 and all(c[2] == "running" for c in drain), drain


def test_mixed_load_on_keep_alive_connections(contract_gw, contract_box, contract_token):
    """48 keep-alive clients × 40 requests over routes 1.0/2.0, the Invoke API and /health: every answer 200,
    no worker exits, echo-four never above its 4 workers."""
    errors, statuses = [], []
    lock = threading.Lock()
    died_before = len([x for x in contract_box.manager.log_lines() if x.get("message") == "worker died"])

    def client(i):
        conn = contract_gw.connection(60)
        auth = {"Authorization": "Bearer " + contract_token}
        for j in range(40):
            k = (i + j) % 4
            try:
                if k == 0:
                    st = contract_gw.request("POST", "/four", conn=conn, body=json.dumps(
                        {"return": {"statusCode": 200, "body": "x" * 1000}}))[0]
                elif k == 1:
                    st = contract_gw.request("GET", "/health", conn=conn)[0]
                elif k == 2:
                    st = contract_gw.request("GET", "/v2/items/%d" % j, headers=auth, conn=conn)[0]
                else:
                    st = contract_gw.request("POST", "/2015-03-31/functions/echo-four/invocations", conn=conn,
                                             body=b'{"return": 1}', headers=auth)[0]
                with lock:
                    statuses.append(st)
            except Exception as e:      # a dropped connection is a failure too
                with lock:
                    errors.append(repr(e))
                conn.close()
                conn = contract_gw.connection(60)
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(48)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and statuses == [200] * 1920, (errors[:3], sorted(set(statuses)))
    four = [c for c in contract_box.containers() if c[1].startswith("esb-echo-four-")]
    assert len(four) <= 4 and all(c[2] == "running" for c in four), four
    assert len([x for x in contract_box.manager.log_lines() if x.get("message") == "worker died"]) == died_before


def test_a_cold_start_longer_than_pool_acquire_timeout_is_429_and_the_worker_serves_the_next_request():
    """§3.7 "waits ... up to POOL_ACQUIRE_TIMEOUT, cold start included → 429": a real cold start (docker create +
    start + RIE readiness, hundreds of ms) against a 50 ms bound answers 429 with Retry-After: 1 at the bound; the
    worker that arrives later is kept, so the client's retry is served by it without a Manager call
    (docs/gateway-pools.md, "Deadline")."""
    with side_gateway(POOL_ACQUIRE_TIMEOUT="0.05") as gw:
        t0 = time.monotonic()
        status, headers, body = post(gw, "/four", {"return": {"statusCode": 200, "body": "cold"}})
        waited = time.monotonic() - t0
        assert status == 429 and json.loads(body) == {"message": "Too Many Requests"}, (status, body)
        assert headers["retry-after"] == ["1"]
        print("429 after %.3f s" % waited)
        idle = 'esb_gateway_pool_workers{function="echo-four",state="idle"} 1'
        wait_until(lambda: idle in gw.metrics()[1], 30, interval=0.1, what="the late worker idle in the pool")
        def acquires():   # the gateway's own count of its POST /v1/functions/{name}/workers calls
            return sum(float(line.rsplit(" ", 1)[1]) for line in gw.metrics()[1].splitlines()
                       if line.startswith('esb_gateway_manager_calls_total{kind="acquire"'))
        before = acquires()
        assert before >= 1
        status, _, body = post(gw, "/four", {"return": {"statusCode": 200, "body": "warm"}})
        assert (status, body) == (200, b"warm")
        (line,) = gw.daemon.wait_log_lines(lambda x: x.get("logger") == "gateway.access" and x.get("path") == "/four"
                                           and x.get("status") == 200)
        # no Manager call and no wait for it; `cold_start` is still true, as AWS counts it: the first invocation
        # in a new execution environment (docs/gateway.md)
        assert acquires() == before and line["cold_start"] is True, line
