"""CORS through the real gateway over TLS (docs/configuration.md "CORS"; the contract is silent, the box does what
API Gateway does for an API with CORS configured): a browser's preflight is answered 204 by the gateway itself,
without a token and without starting a worker; the real worker's answer on a route with `cors:` carries
`Access-Control-Allow-Origin` for an allowed Origin."""
import json

import pytest

from contract.box import Box

ORIGIN = "https://app.example"

ROUTES = """\
routes:
  - path: "/items/{id}"
    method: GET
    function: echo
    cors: &rest
      allow_origins: ["https://app.example"]
      allow_headers: [Content-Type, Authorization]
      max_age: 600
  - path: "/items/{id}"
    method: DELETE
    function: echo
    cors: *rest
  - path: "/http/{rest+}"
    method: ANY
    function: echo
    payload_format: "2.0"
    cors: {allow_origins: ["*"], allow_methods: ["*"], allow_headers: ["*"], expose_headers: [X-Trace],
           allow_credentials: true}
  - path: "/plain"
    method: GET
    function: echo
"""


@pytest.fixture(scope="module")
def box():
    b = Box(routing_yml=ROUTES)
    try:
        b.start_manager()
        b.gw = b.start_gateway()
        yield b
    finally:
        b.close()


def preflight(gw, path, origin=ORIGIN, method="DELETE", request_headers=None):
    headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if request_headers:
        headers["Access-Control-Request-Headers"] = request_headers
    return gw.request("OPTIONS", path, headers=headers)


def test_a_preflight_is_answered_without_a_token_or_a_worker(box):
    workers_before = {c[0] for c in box.containers()}
    status, headers, body = preflight(box.gw, "/items/7", request_headers="authorization,content-type")
    assert status == 204 and body == b""
    assert headers["access-control-allow-origin"] == [ORIGIN]
    assert headers["access-control-allow-methods"] == ["GET,DELETE,OPTIONS"]
    assert headers["access-control-allow-headers"] == ["Content-Type,Authorization"]
    assert headers["access-control-max-age"] == ["600"]
    assert headers["vary"] == ["Origin"]
    assert "x-request-id" in headers
    assert {c[0] for c in box.containers()} == workers_before, "a preflight must not start a worker"


def test_a_preflight_from_an_origin_not_listed_gets_no_cors_headers(box):
    status, headers, _ = preflight(box.gw, "/items/7", origin="https://evil.example")
    assert status == 204
    assert not [name for name in headers if name.startswith("access-control-")]


def test_the_workers_answer_carries_the_allowed_origin(box):
    auth = {"Authorization": "Bearer " + box.gw.login(), "Origin": ORIGIN}
    status, headers, body = box.gw.request("GET", "/items/7", headers=auth)
    assert status == 200, body
    assert json.loads(body)["event"]["pathParameters"] == {"id": "7"}
    assert headers["access-control-allow-origin"] == [ORIGIN]
    # The gateway's own refusal too, so that the page can read it.
    status, headers, _ = box.gw.request("GET", "/items/7", headers={"Origin": ORIGIN})
    assert status == 401 and headers["access-control-allow-origin"] == [ORIGIN]
    # A route without cors: nothing added, and its preflight is routed like any request (no token: 401).
    status, headers, _ = box.gw.request("GET", "/plain", headers=auth)
    assert status == 200 and "access-control-allow-origin" not in headers
    assert preflight(box.gw, "/plain", method="GET")[0] == 401


def test_wildcards_with_credentials_echo_the_origin_and_the_request(box):
    status, headers, _ = preflight(box.gw, "/http/a/b", origin="http://localhost:3000", method="PATCH",
                                   request_headers="x-one, x-two")
    assert status == 204
    assert headers["access-control-allow-origin"] == ["http://localhost:3000"]
    assert headers["access-control-allow-credentials"] == ["true"]
    assert headers["access-control-allow-methods"] == ["PATCH"]
    assert headers["access-control-allow-headers"] == ["x-one, x-two"]
    auth = {"Authorization": "Bearer " + box.gw.login(), "Origin": "http://localhost:3000"}
    status, headers, body = box.gw.request("POST", "/http/a/b", headers=auth, body="{}")
    assert status == 200, body
    assert json.loads(body)["event"]["routeKey"] == "ANY /http/{rest+}"
    assert headers["access-control-allow-origin"] == ["http://localhost:3000"]
    assert headers["access-control-expose-headers"] == ["X-Trace"]
