"""Asynchronous invocations (docs/async-invocations.md) against the real gateway, manager and RIE workers:
accepted events are durable (kill -9, SIGTERM), a backlog never delays synchronous calls, AWS's retry policy
with dead records and on_failure, event_max_age, a full spool, damaged spool records. Executions are counted from
the functions' own output (tests-e2e/async_support.py)."""
import json
import os
import re
import signal
import time

import pytest

from async_support import INVOKE_PATH, admit_record, executions, metric, new_ids, send_events
from contract.box import Box, wait_until

FUNCTIONS = """\
defaults:
  environment: {{ AWS_DEFAULT_REGION: "ap-northeast-1" }}
  timeout: 30
  memory_size: 128
  max_concurrency: 2
functions:
  async-echo:
    image: "{image}"
    max_concurrency: 2
  async-slow:
    image: "{image}"
    max_concurrency: 1
  async-fails:
    image: "{image}"
    max_concurrency: 1
    event_retry_attempts: 2
    on_failure: async-catcher
  async-catcher:
    image: "{image}"
    max_concurrency: 1
  async-aged:
    image: "{image}"
    event_max_age: 60
"""

ROUTING = """\
routes:
  - path: "/async-echo"
    method: "ANY"
    function: "async-echo"
"""

BACKLOG = int(os.environ.get("ESB_ASYNC_BACKLOG", "2000"))


@pytest.fixture(scope="module")
def box():
    b = Box(functions_yml=FUNCTIONS, routing_yml=ROUTING)
    b.start_manager()
    try:
        yield b
    finally:
        b.close()


def all_ran(box, marker, ids):
    counts = executions(box, marker)
    return all(i in counts for i in ids)


def test_a_backlog_runs_every_event_and_synchronous_calls_do_not_wait_behind_it(box):
    gw = box.start_gateway()
    ids = new_ids(BACKLOG, "bk")
    started = time.monotonic()
    statuses = send_events(gw, "async-echo", ids, lambda i: {"print": "EXEC " + i, "sleep": 0.04})
    admitted_in = time.monotonic() - started
    assert set(statuses.values()) == {202}
    client = gw.lambda_client()
    figures = []
    for k in range(5):
        t0 = time.monotonic()
        resp = client.invoke(FunctionName="async-echo", Payload=json.dumps({"return": "sync-%d" % k}))
        took = time.monotonic() - t0
        queued_after = metric(gw.metrics()[1], "esb_gateway_events_queued")
        assert resp["StatusCode"] == 200 and json.loads(resp["Payload"].read()) == "sync-%d" % k
        figures.append((round(took * 1000), queued_after))
    # Answered while the backlog was still queued: the synchronous calls went first (an ordering, not a timing).
    assert all(q >= BACKLOG // 10 for _, q in figures), figures
    print("\n%d events admitted in %.1f s (%.0f/s); sync calls during the backlog (ms, events still queued): %s"
          % (BACKLOG, admitted_in, BACKLOG / admitted_in, figures))
    wait_until(lambda: all_ran(box, "EXEC", ids), 60 + BACKLOG * 0.1, interval=2, what="every event executed")
    counts = executions(box, "EXEC")
    assert [i for i in ids if i not in counts] == []
    print("ran once: %d, more than once: %d" % (sum(1 for i in ids if counts[i] == 1),
                                                sum(1 for i in ids if counts[i] > 1)))
    gw.stop()


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
def test_events_queued_when_the_gateway_dies_all_run_after_the_restart(box, how):
    gw = box.start_gateway(SHUTDOWN_TIMEOUT="2")
    ids = new_ids(300, "k9" if how == "SIGKILL" else "term")
    statuses = send_events(gw, "async-echo", ids, lambda i: {"print": "EXEC " + i, "sleep": 0.05})
    assert set(statuses.values()) == {202}
    wait_until(lambda: len(set(executions(box, "EXEC")) & set(ids)) >= 10, 60, interval=0.5,
               what="some events running")
    gw.daemon.send(signal.SIGKILL if how == "SIGKILL" else signal.SIGTERM)
    assert gw.daemon.proc.wait(30) == (-signal.SIGKILL if how == "SIGKILL" else 0)
    ran_before = set(executions(box, "EXEC")) & set(ids)
    assert len(ran_before) < len(ids), "the test needs events still queued when the gateway stops"
    if how == "SIGTERM":
        # The running attempts finished within the drain; the queued events stayed in the spool.
        assert not [x for x in gw.daemon.log_lines() if "drain deadline passed" in x.get("message", "")]
    again = box.start_gateway(EVENT_SPOOL_DIR=gw.env["EVENT_SPOOL_DIR"], CONTAINER_NAME=gw.env["CONTAINER_NAME"])
    wait_until(lambda: all_ran(box, "EXEC", ids), 120, interval=1, what="every event executed after the restart")
    replayed = [x for x in again.daemon.log_lines() if x.get("message") == "event spool replayed"]
    assert replayed and replayed[0]["events"] >= len(ids) - len(ran_before)
    print("\n%s: %d of %d had run before; replayed %d" % (how, len(ran_before), len(ids), replayed[0]["events"]))
    again.stop()


def test_a_failing_function_is_retried_then_dead_recorded_and_on_failure_invoked(box):
    gw = box.start_gateway(EVENT_RETRY_DELAYS="1,2")
    [i] = new_ids(1, "fail")
    payload = {"print": "ATTEMPT " + i, "error": "boom"}
    status, headers, _ = gw.request(
        "POST", INVOKE_PATH % "async-fails", body=json.dumps(payload),
        headers={"Authorization": "Bearer " + gw.login(), "X-Amz-Invocation-Type": "Event", "X-Request-Id": i,
                 "Content-Type": "application/json"})
    assert status == 202
    # The event's own id (Lambda makes one per asynchronous invocation), not the request's X-Request-Id.
    [event_id] = headers["x-amzn-requestid"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", event_id), event_id
    assert headers["x-request-id"] == [i]
    dead_path = os.path.join(gw.env["EVENT_SPOOL_DIR"], "dead", event_id + ".json")
    wait_until(lambda: os.path.exists(dead_path), 60, interval=0.2, what="the dead record")
    with open(dead_path) as f:
        record = json.load(f)
    assert record["version"] == "1.0"
    assert record["requestContext"] == {
        "requestId": event_id, "functionArn": "arn:aws:lambda:ap-northeast-1:000000000000:function:async-fails:$LATEST",
        "condition": "RetriesExhausted", "approximateInvokeCount": 3}
    assert record["requestPayload"] == payload
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}
    assert record["responsePayload"]["errorMessage"] == "boom"
    assert record["responsePayload"]["errorType"] == "RuntimeError"
    # Exactly 1 + event_retry_attempts executions, from the function's own output.
    assert executions(box, "ATTEMPT").get(i) == 3
    retries = [x["retry_in_ms"] for x in gw.daemon.log_lines()
               if x.get("request_id") == event_id and "retry_in_ms" in x]
    assert len(retries) == 2 and 900 <= retries[0] <= 1000 and 1900 <= retries[1] <= 2000, retries
    # on_failure: the catcher ran with the record (the RIE's START line in its worker's own output).
    gw.daemon.wait_log_lines(lambda x: x.get("function") == "async-catcher" and x.get("outcome") == "success", 60)
    catcher = [c for c in box.containers() if "async-catcher" in c[1]]
    assert any(line.startswith("START RequestId") for line in worker_output_of(catcher))
    assert metric_line(gw.metrics()[1], 'esb_gateway_events_dead_total{function="async-fails"}') == 1
    assert metric_line(gw.metrics()[1], 'esb_gateway_event_attempts_total{function="async-fails",outcome="function_error"}') == 3
    gw.stop()


def test_too_old_events_are_dead_and_damaged_records_are_skipped_with_a_warning(box):
    # A spool as a crashed gateway leaves it (a stand-in for hours of downtime and a torn write): one event past
    # event_max_age, two good ones, one with a flipped byte, and half a record at the end.
    spool = os.path.join(box.dir, "crafted-events")
    os.makedirs(spool)
    now = int(time.time() * 1000)
    old, good1, bad, good2, torn = new_ids(5, "sp")
    records = [
        admit_record(old, "async-aged", json.dumps({"print": "EXEC " + old}).encode(), now - 120_000),
        admit_record(good1, "async-echo", json.dumps({"print": "EXEC " + good1}).encode(), now),
        bytearray(admit_record(bad, "async-echo", json.dumps({"print": "EXEC " + bad}).encode(), now)),
        admit_record(good2, "async-echo", json.dumps({"print": "EXEC " + good2}).encode(), now),
        admit_record(torn, "async-echo", json.dumps({"print": "EXEC " + torn}).encode(), now),
    ]
    records[2][-3] ^= 0x20
    with open(os.path.join(spool, "seg-0000000000000001.log"), "wb") as f:
        f.write(b"".join(bytes(r) for r in records[:4]) + records[4][: len(records[4]) // 2])
    gw = box.start_gateway(EVENT_SPOOL_DIR=spool)
    wait_until(lambda: all_ran(box, "EXEC", [good1, good2]), 60, interval=0.5, what="the good events")
    dead_path = os.path.join(spool, "dead", old + ".json")
    wait_until(lambda: os.path.exists(dead_path), 30, what="the EventAgeExceeded record")
    with open(dead_path) as f:
        record = json.load(f)
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 0
    assert record["requestPayload"] == {"print": "EXEC " + old}
    assert "responseContext" not in record
    counts = executions(box, "EXEC")
    assert old not in counts and bad not in counts and torn not in counts
    warnings = [x for x in gw.daemon.log_lines() if "damaged record skipped" in x.get("message", "")]
    assert len(warnings) == 2 and all(x["level"] == "WARNING" for x in warnings), warnings
    gw.stop()


def test_two_events_sent_with_one_request_id_both_run(box):
    """A client's X-Request-Id names its request; each accepted Event is an invocation of its own with its own id
    (docs/async-invocations.md "Event ids"): two sent with the same X-Request-Id shared a spool entry and the
    second was lost after its 202."""
    gw = box.start_gateway()
    token = gw.login()
    [shared] = new_ids(1, "same")
    sent, ids = [], set()
    for n in range(2):
        marker = "%s-%d" % (shared, n)
        status, headers, _ = gw.request(
            "POST", INVOKE_PATH % "async-slow", body=json.dumps({"print": "EXEC " + marker, "sleep": 0.5}),
            headers={"Authorization": "Bearer " + token, "X-Amz-Invocation-Type": "Event", "X-Request-Id": shared,
                     "Content-Type": "application/json"})
        assert status == 202
        sent.append(marker)
        ids.add(headers["x-amzn-requestid"][0])
    assert len(ids) == 2 and shared not in ids, ids
    wait_until(lambda: all_ran(box, "EXEC", sent), 120, interval=0.5, what="both events")
    gw.stop()


def test_a_full_spool_refuses_with_429_and_runs_everything_it_accepted(box):
    gw = box.start_gateway(EVENT_SPOOL_MAX_BYTES="65536")
    token = gw.login()
    accepted, refused = [], None
    for i in new_ids(100, "full"):
        status, headers, body = gw.request(
            "POST", "/2015-03-31/functions/async-slow/invocations",
            body=json.dumps({"print": "EXEC " + i, "sleep": 0.3, "pad": "x" * 4000}),
            headers={"Authorization": "Bearer " + token, "X-Amz-Invocation-Type": "Event", "X-Request-Id": i})
        if status == 202:
            accepted.append(i)
            continue
        refused = (status, headers, body)
        break
    assert refused is not None, "the spool never filled"
    status, headers, body = refused
    assert status == 429 and headers["x-amzn-errortype"] == ["TooManyRequestsException"]
    assert len(accepted) >= 5
    wait_until(lambda: all_ran(box, "EXEC", accepted), 120, interval=1, what="every accepted event")
    gw.stop()


def worker_output_of(containers):
    import subprocess
    lines = []
    for c in containers:
        out = subprocess.run(["docker", "logs", c[0]], capture_output=True, text=True, errors="replace")
        lines += (out.stdout + out.stderr).splitlines()
    return lines


def metric_line(text, series):
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[1])
    return None
