"""Contract §2.2 route matching through the real gateway: literal > {param} > {param+} segment by segment from the
left, the request's own method over ANY, file order for equal routes, 405 + Allow, trailing slash, legacy
`function: {container: ...}` form. The echo function reports which route (`resource`) ran."""
import json

import pytest

from contract.box import Box

ROUTES = """\
routes:
  - path: "/a/{x}/c"
    method: GET
    function: echo
    auth: none
  - path: "/a/b/{y}"
    method: GET
    function: echo
    auth: none
  - path: "/a/{rest+}"
    method: GET
    function: echo
    auth: none
  - path: "/m/{id}"
    method: ANY
    function: echo
    auth: none
  - path: "/m/{id}"
    method: POST
    function: echo
    payload_format: "2.0"
    auth: none
  - path: "/only-post"
    method: POST
    function: echo
    auth: none
  - path: "/only-post"
    method: PUT
    function: echo
    auth: none
  - path: "/legacy"
    method: GET
    function:
      container: echo
      image: "ignored:latest"
    auth: none
  - path: "/"
    method: GET
    function: echo
    auth: none
"""


@pytest.fixture(scope="module")
def rgw():
    box = Box(routing_yml=ROUTES)
    try:
        box.start_manager()
        yield box.start_gateway()
    finally:
        box.close()


def resource(gw, method, path):
    status, headers, body = gw.request(method, path)
    assert status == 200, (method, path, status, body)
    event = json.loads(body)["event"]
    return event.get("resource") or event.get("routeKey"), event.get("pathParameters")


@pytest.mark.parametrize("path,expected", [
    ("/a/b/c", ("/a/b/{y}", {"y": "c"})),            # the 2nd segment literal wins over /a/{x}/c
    ("/a/z/c", ("/a/{x}/c", {"x": "z"})),
    ("/a/z/d", ("/a/{rest+}", {"rest": "z/d"})),
    ("/a/b/c/d", ("/a/{rest+}", {"rest": "b/c/d"})),
    ("/a/b/c/", ("/a/b/{y}", {"y": "c"})),           # one trailing slash is ignored
    ("/", ("/", None)),
])
def test_most_specific_route_wins(rgw, path, expected):
    assert resource(rgw, "GET", path) == expected


def test_own_method_beats_any(rgw):
    assert resource(rgw, "POST", "/m/1") == ("POST /m/{id}", {"id": "1"})   # the 2.0 POST route
    assert resource(rgw, "GET", "/m/1") == ("/m/{id}", {"id": "1"})          # the 1.0 ANY route


def test_405_allow_lists_the_routed_methods(rgw):
    status, headers, body = rgw.request("GET", "/only-post")
    assert status == 405 and json.loads(body) == {"message": "Method Not Allowed"}
    assert {m.strip() for m in headers["allow"][0].split(",")} == {"POST", "PUT"}


def test_legacy_function_mapping_routes_to_the_container_name(rgw):
    assert resource(rgw, "GET", "/legacy") == ("/legacy", None)


def test_unmatched_path_with_auth_none_routes_around_is_still_401_then_404(rgw):
    assert rgw.request("GET", "/nothing/here")[0] == 401
    token = rgw.login()
    assert rgw.request("GET", "/nothing/here", headers={"Authorization": "Bearer " + token})[0] == 404
