"""Gateway under concurrency, against real RIE workers (docs/contract.md §3.7, §8).

- 16 concurrent clients on one function with max_concurrency 4: zero errors, no worker container dies (the RIE
  crashes on an overlapping invocation, so this also proves the gateway never sends one).
- 200 concurrent clients on a function with max_concurrency 2 and a 1 s acquire timeout: only 200s and 429s.
"""
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import gateway_support as gs

box = pytest.fixture(scope="module")(gs.box_fixture)


def exited_workers(box):
    return [c for c in box.containers() if c[2] not in ("running", "paused")]


def test_16_clients_max_concurrency_4_no_errors_no_dead_worker(box):
    gw = box.start_gateway()
    token = gw.login()
    statuses = []
    lock = threading.Lock()

    def client(i):
        conn = gw.connection(timeout=60)
        got = []
        try:
            for j in range(6):
                status, _, body = gw.request("POST", "/echo", body=json.dumps({"sleep": 0.05}), conn=conn,
                                             headers={**gw.auth(token), "X-Request-Id": f"c{i}-{j}"})
                got.append(status)
        finally:
            conn.close()
        with lock:
            statuses.extend(got)

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(client, range(16)))
    assert statuses.count(200) == 16 * 6, sorted(set(statuses))
    workers = [c for c in box.containers() if "echo" in c[1] and "two" not in c[1]]
    assert 1 <= len(workers) <= 4, workers
    assert exited_workers(box) == []


def test_200_clients_max_concurrency_2_only_200_or_429(box):
    gw = box.start_gateway(POOL_ACQUIRE_TIMEOUT="1")
    token = gw.login()
    statuses = []
    lock = threading.Lock()
    start = threading.Barrier(200)

    def client(i):
        try:
            start.wait(timeout=60)
        except threading.BrokenBarrierError:
            pass
        try:
            status, headers, body = gw.request("POST", "/two", body=json.dumps({"sleep": 0.3}),
                                               headers=gw.auth(token), timeout=60)
            if status == 429:
                assert json.loads(body) == {"message": "Too Many Requests"} and headers["retry-after"] == ["1"]
        except Exception as e:  # noqa: BLE001 - any transport error is a failure, recorded as such
            status = repr(e)
        with lock:
            statuses.append(status)

    with ThreadPoolExecutor(200) as pool:
        list(pool.map(client, range(200)))
    assert len(statuses) == 200
    assert set(statuses) <= {200, 429}, sorted(set(map(str, statuses)))
    assert statuses.count(200) >= 2
    two = [c for c in box.containers() if "echo-two" in c[1]]
    assert 1 <= len([c for c in two if c[2] == "running"]) <= 2, two
    assert exited_workers(box) == []
