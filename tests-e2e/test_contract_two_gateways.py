"""Fixed bug B1 ("a second gateway on the same manager takes over the first one's leased workers").

§3.7: the Gateway never sends overlapping invocations to one RIE container. A second esb-gateway started against
the same esb-manager rebuilds its pools from `GET /v1/workers` and adopts every leased worker, including the ones
the first (running) gateway holds; both then invoke the same container at once, the RIE panics, both get 502."""
import json
import threading
import time

from contract.box import Box


def test_second_gateway_does_not_steal_leased_workers():
    box = Box()
    box.start_manager()
    try:
        gw1 = box.start_gateway()

        def call(gw, cmd):
            status, _, body = gw.request("POST", "/one", body=json.dumps(cmd))
            return status, body

        assert call(gw1, {"return": {"statusCode": 200, "body": "warm"}}) == (200, b"warm")
        gw2 = box.start_gateway()
        out = {}
        slow = threading.Thread(target=lambda: out.setdefault(
            "gw1", call(gw1, {"sleep": 2, "return": {"statusCode": 200, "body": "slow"}})))
        slow.start()
        time.sleep(0.5)
        out["gw2"] = call(gw2, {"return": {"statusCode": 200, "body": "fast"}})
        slow.join()
        # gw2 must wait for (or get 429 from) the one worker echo-one may have, never break gw1's invocation
        assert out["gw1"] == (200, b"slow"), out
        assert out["gw2"] in ((200, b"fast"), (429, b'{"message":"Too Many Requests"}')), out
        assert all(c[2] == "running" for c in box.containers()), box.containers()
    finally:
        box.close()
