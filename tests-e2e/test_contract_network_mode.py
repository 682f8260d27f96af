"""Contract §4.1/§3.1 in the deployment's own wiring: the Manager on TCP (`MANAGER_LISTEN=host:port`, the Gateway's
`MANAGER_URL=http://...`, as docker-compose wires them) and `WORKER_ADDRESS_MODE=network` (workers reached at their
IP on LAMBDA_NETWORK, port 8080 — the host reaches a bridge network's containers directly)."""
import ipaddress
import json
import subprocess

import pytest

from contract.box import Box


@pytest.fixture(scope="module")
def net_box():
    box = Box(manager_tcp=True)
    try:
        box.start_manager(WORKER_ADDRESS_MODE="network")
        gw = box.start_gateway()
        yield box, gw
    finally:
        box.close()


def test_requests_reach_workers_on_the_lambda_network(net_box):
    box, gw = net_box
    status, _, body = gw.request("POST", "/open", body=json.dumps({"return": {"statusCode": 200, "body": "net"}}))
    assert (status, body) == (200, b"net")
    status, _, doc = box.manager_request("GET", "/v1/workers")
    (w,) = [x for x in doc["workers"] if x["function"] == "echo"]
    assert w["port"] == 8080 and not ipaddress.ip_address(w["host"]).is_loopback
    info = json.loads(subprocess.run(["docker", "inspect", w["id"]], capture_output=True, check=True).stdout)[0]
    assert info["NetworkSettings"]["Networks"][box.network]["IPAddress"] == w["host"]
    assert not info["NetworkSettings"]["Ports"].get("8080/tcp")   # nothing published in network mode


def test_manager_api_over_tcp(net_box):
    box, _ = net_box
    assert box.manager_request("GET", "/health", token=False)[0] == 200
    assert box.manager_request("GET", "/v1/workers", token=False)[0] == 401
    assert box.manager_request("GET", "/v1/workers")[0] == 200


def test_invoke_api_in_network_mode(net_box):
    _, gw = net_box
    resp = gw.lambda_client().invoke(FunctionName="echo", Payload=json.dumps({"return": "ok"}))
    assert resp["StatusCode"] == 200 and json.loads(resp["Payload"].read()) == "ok"
