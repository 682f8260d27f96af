"""`rie_concurrency` against the real RIE and the real Python runtime client (docs/gateway.md, "rie_concurrency
with the real runtime").

The local base image's RIE honours `AWS_LAMBDA_MAX_CONCURRENCY` (its Lambda Managed Instances mode), and its
awslambdaric (4.2.x) has a multi-concurrent mode for it (one forked runtime process per slot); the Manager sets the
variable when `rie_concurrency` > 1. Without it, a second overlapping invocation makes the RIE panic and the
container exit; with it, an invocation that finds no runtime process polling is refused with 400
`{"errorType":"Runtime.Unavailable"}` before any runtime sees it, and the container lives on.

Each function here has `max_concurrency: 1` (one worker). The worker's own output (the RIE's START/END lines,
followed by the Manager) shows how many invocations it ran at once: never more than `rie_concurrency`, and two at
once when it is 2, and every request is served: the gateway sends a refused (never delivered) event again.
"""
import json
import threading

import pytest

import gateway_support as gs

pytestmark = pytest.mark.timeout(300)

FUNCTIONS = """\
functions:
  conc-one:
    image: "{image}"
    max_concurrency: 1
  conc-two:
    image: "{image}"
    max_concurrency: 1
    rie_concurrency: 2
"""
ROUTES = """\
routes:
  - path: "/conc-one"
    method: "POST"
    function: "conc-one"
    auth: "none"
  - path: "/conc-two"
    method: "POST"
    function: "conc-two"
    auth: "none"
"""


@pytest.fixture(scope="module")
def gw():
    box = gs.Box()
    with open(box.functions_path, "w") as f:
        f.write(FUNCTIONS.format(image=gs.ECHO_IMAGE))
    with open(box.routing_path, "w") as f:
        f.write(ROUTES)
    box.start_manager()
    try:
        yield box.start_gateway(POOL_ACQUIRE_TIMEOUT="60")
    finally:
        box.close()


def concurrent_requests(gw, path, count):
    """`count` POSTs sent at once, each asking the function to sleep 3 s; their (status, body) in order."""
    results = [None] * count

    def one(i):
        try:
            status, _, body = gw.request("POST", path, body=json.dumps({"sleep": 3}), timeout=120)
            results[i] = (status, body)
        except Exception as e:  # noqa: BLE001 - reported in the assertion
            results[i] = ("error", repr(e))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def worker_lines(box, function):
    return [x for x in box.manager.log_lines() if x.get("function") == function and x.get("logger") == "lambda"]


def most_at_once(lines):
    """The largest number of invocations the RIE had started and not yet ended, from its START/END lines."""
    running = peak = 0
    for line in lines:
        message = line.get("message", "")
        if message.startswith("START RequestId:"):
            running += 1
            peak = max(peak, running)
        elif message.startswith("END RequestId:"):
            running -= 1
    return peak


def run_burst(gw, function, rie_concurrency):
    """rie_concurrency + 1 requests at once; returns (results, the worker's lines once every START has its END)."""
    results = concurrent_requests(gw, "/" + function, rie_concurrency + 1)
    lines = []

    def all_ended():
        nonlocal lines
        lines = worker_lines(gw.box, function)
        starts = sum(1 for x in lines if x.get("message", "").startswith("START RequestId:"))
        ends = sum(1 for x in lines if x.get("message", "").startswith("END RequestId:"))
        return starts == ends and starts >= sum(1 for status, _ in results if status == 200)

    gs.wait_until(all_ended, 30, interval=0.2, what="the worker's END lines")
    return results, lines


def test_rie_concurrency_1_never_overlaps_and_serves_every_request(gw):
    results, lines = run_burst(gw, "conc-one", 1)
    assert [status for status, _ in results] == [200, 200], results
    assert len({json.loads(body)["hostname"] for _, body in results}) == 1
    assert most_at_once(lines) == 1
    assert not [x for x in gw.box.manager.log_lines() if x.get("message") == "worker died"]


def test_rie_concurrency_2_runs_two_at_once_and_never_three(gw):
    # Warm the worker first, so both of its runtime processes are up when the burst arrives (a new worker's second
    # process may still be starting: the known gap below).
    assert gw.request("POST", "/conc-two", body=json.dumps({"ping": True}))[0] == 200
    results, lines = run_burst(gw, "conc-two", 2)
    served = [json.loads(body) for status, body in results if status == 200]
    # Never more than two at once on the worker, and two really ran at once (in two runtime processes).
    assert most_at_once(lines) == 2
    assert len({b["pid"] for b in served}) == 2
    # One worker, alive throughout (max_concurrency 1; a third overlapping invocation would have been refused).
    assert len({b["hostname"] for b in served}) == 1
    assert not [x for x in gw.box.manager.log_lines() if x.get("message") == "worker died"]
    # The RIE in multi-concurrent mode refuses an invocation with 400 Runtime.Unavailable when none of its runtime
    # processes is polling at that instant; the gateway sends such a never-delivered event again (docs/gateway.md).
    assert [status for status, _ in results] == [200, 200, 200], results


def test_rie_concurrency_2_serves_every_request_under_sustained_load(gw):
    # Two clients, each sending its next request as soon as the last one is answered: never more than two in
    # flight, yet the RIE refuses some (measured directly against it: about a third at two clients), because a
    # runtime process that has just answered is not yet asking for the next event. The gateway sends a refused
    # (never delivered) event again a few milliseconds later, so every request is served.
    statuses = []

    def client():
        conn = gw.connection(timeout=60)
        try:
            for _ in range(100):
                status, _, _ = gw.request("POST", "/conc-two", body=json.dumps({"ping": True}), conn=conn)
                statuses.append(status)
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 200, {s: statuses.count(s) for s in set(statuses)}
