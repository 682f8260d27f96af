"""Contract §3.4: the API Gateway event (payload 1.0 and 2.0) exactly as the function sees it. The echo fixture
(esb-test/echo, real RIE + awslambdaric) returns the event it received, so every field is checked end to end."""
import base64
import gzip
import json
import re
import time

import pytest

from contract.fixtures import side_gateway

REQUEST_TIME_RE = re.compile(r"^\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000$")


def send(gw, method, path, headers=(), body=None, timeout=60):
    """Request with repeated headers allowed; returns (status, headers, echo document or raw body)."""
    conn = gw.connection(timeout)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers:
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        data = resp.read()
        hdrs = {}
        for k, v in resp.getheaders():
            hdrs.setdefault(k.lower(), []).append(v)
        try:
            doc = json.loads(data)
        except ValueError:
            doc = data
        return resp.status, hdrs, doc
    finally:
        conn.close()


def event_of(gw, method, path, headers=(), body=None, auth=None):
    hdrs = list(headers)
    if auth:
        hdrs.append(("Authorization", auth["Authorization"]))
    status, h, doc = send(gw, method, path, hdrs, body)
    assert status == 200, (status, doc)
    return doc["event"], h, doc


# --- payload 1.0 -------------------------------------------------------------------------------------------------

def test_v1_event_shape(contract_gw, contract_auth):
    event, headers, doc = event_of(contract_gw, "GET", "/items/42?a=1&a=2&b=x%20y&flag",
                                   [("X-Custom-Thing", "one"), ("X-Custom-Thing", "two"),
                                    ("User-Agent", "contract-agent/1.0")], auth=contract_auth)
    assert event["resource"] == "/items/{id}"
    assert event["path"] == "/items/42"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"id": "42"}
    assert event["stageVariables"] is None
    assert event["body"] is None and event["isBase64Encoded"] is False
    assert event["queryStringParameters"] == {"a": "2", "b": "x y", "flag": ""}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": ["x y"], "flag": [""]}
    # 1.0: header names as the client sent them; the single-value map keeps the last value
    assert event["headers"]["X-Custom-Thing"] == "two"
    assert event["multiValueHeaders"]["X-Custom-Thing"] == ["one", "two"]
    assert event["headers"]["User-Agent"] == "contract-agent/1.0"
    rc = event["requestContext"]
    assert rc["requestId"] == headers["x-request-id"][0]
    assert rc["stage"] == "prod" and rc["httpMethod"] == "GET" and rc["resourcePath"] == "/items/{id}"
    assert rc["protocol"] == "HTTP/1.1"
    assert rc["path"] == "/items/42"  # as received, no stage prefix (docs/events-and-auth.md, "Paths")
    assert REQUEST_TIME_RE.match(rc["requestTime"]), rc["requestTime"]
    assert isinstance(rc["requestTimeEpoch"], int) and abs(rc["requestTimeEpoch"] / 1000 - time.time()) < 60
    assert rc["identity"]["sourceIp"] == "127.0.0.1"
    assert rc["identity"]["userAgent"] == "contract-agent/1.0"
    for key in ("domainName", "apiId", "accountId"):
        assert isinstance(rc[key], str) and rc[key], key
    assert rc["authorizer"]["claims"]["sub"] == contract_gw.user


def test_v1_no_query_and_no_params_are_null(contract_gw, contract_auth):
    event, _, _ = event_of(contract_gw, "GET", "/echo", auth=contract_auth)
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None
    assert event["resource"] == "/echo"


def test_v1_body_is_a_string_as_sent(contract_gw, contract_auth):
    text = "plain text body ✓ with unicode"
    event, _, _ = event_of(contract_gw, "POST", "/echo", [("Content-Type", "text/plain; charset=utf-8")],
                           text.encode(), auth=contract_auth)
    assert event["body"] == text and event["isBase64Encoded"] is False


def test_request_id_is_the_clients_and_reaches_the_context(contract_gw, contract_auth):
    event, headers, doc = event_of(contract_gw, "GET", "/echo", [("X-Request-Id", "contract-rid-123")],
                                   auth=contract_auth)
    assert headers["x-request-id"] == ["contract-rid-123"]
    assert event["requestContext"]["requestId"] == "contract-rid-123"
    # docs/gateway.md: the same id is the RIE's X-Amzn-RequestId, i.e. the function's context.aws_request_id
    assert doc["request_id"] == "contract-rid-123"


@pytest.mark.parametrize("raw,decoded", [
    ("caf%C3%A9", "café"), ("a%20b", "a b"), ("a%2Fb", "a/b"), ("100%25", "100%"), ("plus+sign", "plus+sign"),
])
def test_path_parameters_are_percent_decoded(contract_gw, contract_auth, raw, decoded):
    event, _, _ = event_of(contract_gw, "GET", "/items/" + raw, auth=contract_auth)
    assert event["pathParameters"] == {"id": decoded}
    assert event["resource"] == "/items/{id}"


def test_literal_route_beats_parameter(contract_gw, contract_auth):
    event, _, _ = event_of(contract_gw, "GET", "/items/special", auth=contract_auth)
    assert event["resource"] == "/items/special" and event["pathParameters"] is None


def test_greedy_proxy_parameter(contract_gw, contract_auth):
    event, _, _ = event_of(contract_gw, "DELETE", "/proxy/a/b%20c/d?x=1", auth=contract_auth)
    assert event["resource"] == "/proxy/{proxy+}"
    assert event["pathParameters"] == {"proxy": "a/b c/d"}
    assert event["httpMethod"] == "DELETE"


def test_auth_none_route_has_no_claims(contract_gw):
    event, _, _ = event_of(contract_gw, "GET", "/open")
    authorizer = event["requestContext"].get("authorizer")
    assert not authorizer or not authorizer.get("claims")


def test_x_forwarded_for_from_untrusted_peer_is_ignored(contract_gw):
    event, _, _ = event_of(contract_gw, "GET", "/open", [("X-Forwarded-For", "203.0.113.9")])
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"


@pytest.fixture(scope="module")
def trusting_gw():
    with side_gateway(TRUSTED_PROXIES="127.0.0.1/32") as gw:
        yield gw


def test_x_forwarded_for_from_trusted_proxy_gives_first_address(trusting_gw):
    event, _, _ = event_of(trusting_gw, "GET", "/open", [("X-Forwarded-For", "203.0.113.9, 10.0.0.1")])
    assert event["requestContext"]["identity"]["sourceIp"] == "203.0.113.9"
    event, _, _ = event_of(trusting_gw, "GET", "/v2/open", [("X-Forwarded-For", "198.51.100.7")])
    assert event["requestContext"]["http"]["sourceIp"] == "198.51.100.7"


def test_a_trusted_proxys_forwarded_list_gets_the_peer_appended_in_the_event(trusting_gw):
    """§3.4: X-Forwarded-For is the client address appended to a trusted incoming list (1.0: in `headers` and
    `multiValueHeaders`, 2.0: lower case); a trusted proxy's own -Port and -Proto stay (docs/gateway.md, "Proxy")."""
    sent = [("X-Forwarded-For", "203.0.113.9, 10.0.0.1"), ("X-Forwarded-Proto", "http"), ("X-Forwarded-Port", "80")]
    event, _, _ = event_of(trusting_gw, "GET", "/open", sent)
    assert event["headers"]["X-Forwarded-For"] == "203.0.113.9, 10.0.0.1, 127.0.0.1", event["headers"]
    assert event["multiValueHeaders"]["X-Forwarded-For"] == ["203.0.113.9, 10.0.0.1, 127.0.0.1"]
    assert (event["headers"]["X-Forwarded-Proto"], event["headers"]["X-Forwarded-Port"]) == ("http", "80")
    event, _, _ = event_of(trusting_gw, "GET", "/v2/open", sent)
    assert event["headers"]["x-forwarded-for"] == "203.0.113.9, 10.0.0.1, 127.0.0.1", event["headers"]
    assert (event["headers"]["x-forwarded-proto"], event["headers"]["x-forwarded-port"]) == ("http", "80")


# --- binary bodies (§3.4 base64 rules) ---------------------------------------------------------------------------

BINARY = bytes(range(256)) * 4


@pytest.mark.parametrize("path", ["/open", "/v2/open"])
@pytest.mark.parametrize("content_type,body,extra,encoded", [
    ("application/octet-stream", BINARY, [], True),                              # not UTF-8
    ("image/png", b"valid utf-8 but an image", [], True),                       # BINARY_MEDIA_TYPES image/*
    ("application/x-contract-binary", b"listed type", [], True),                # BINARY_MEDIA_TYPES exact
    ("application/json", gzip.compress(b'{"a":1}'), [("Content-Encoding", "gzip")], True),
    ("text/plain", b"deflated-ish text", [("Content-Encoding", "br")], True),     # any real Content-Encoding
    ("application/json", b'{"not": "binary"}', [], False),
    ("text/plain; charset=utf-8", "äöü".encode(), [], False),
])
def test_binary_bodies_are_base64(contract_gw, path, content_type, body, extra, encoded):
    event, _, _ = event_of(contract_gw, "POST", path, [("Content-Type", content_type)] + extra, body)
    assert event["isBase64Encoded"] is encoded, event
    got = base64.b64decode(event["body"]) if encoded else event["body"].encode()
    assert got == body


# --- payload 2.0 -------------------------------------------------------------------------------------------------

def test_v2_event_shape(contract_gw, contract_auth):
    event, headers, _ = event_of(contract_gw, "GET", "/v2/items/a%20b?a=1&a=2&z=%C3%A9",
                                 [("X-Custom-Thing", "one"), ("X-Custom-Thing", "two"),
                                  ("Cookie", "c1=v1; c2=v2"), ("User-Agent", "contract-agent/2.0")],
                                 auth=contract_auth)
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /v2/items/{id}"
    # live captures show AWS HTTP APIs hand the path over decoded; the box keeps rawPath raw: either is fine
    assert event["rawPath"] in ("/v2/items/a%20b", "/v2/items/a b")
    assert event["rawQueryString"] == "a=1&a=2&z=%C3%A9"
    assert event["queryStringParameters"] == {"a": "1,2", "z": "é"}
    assert event["pathParameters"] == {"id": "a b"}
    assert event["cookies"] == ["c1=v1", "c2=v2"]
    assert event["headers"]["x-custom-thing"] == "one,two"
    assert all(k == k.lower() for k in event["headers"]), event["headers"]
    assert "multiValueHeaders" not in event or event["multiValueHeaders"] is None
    assert event["isBase64Encoded"] is False
    rc = event["requestContext"]
    assert rc["requestId"] == headers["x-request-id"][0]
    assert rc["routeKey"] == "GET /v2/items/{id}"
    assert rc["stage"] in ("prod", "$default")
    assert rc["http"]["method"] == "GET" and rc["http"]["path"] in ("/v2/items/a%20b", "/v2/items/a b")
    assert rc["http"]["protocol"] == "HTTP/1.1" and rc["http"]["sourceIp"] == "127.0.0.1"
    assert rc["http"]["userAgent"] == "contract-agent/2.0"
    assert isinstance(rc["timeEpoch"], int) and abs(rc["timeEpoch"] / 1000 - time.time()) < 60
    assert isinstance(rc["time"], str) and REQUEST_TIME_RE.match(rc["time"]), rc["time"]
    for key in ("domainName", "apiId", "accountId"):
        assert isinstance(rc[key], str) and rc[key], key
    claims = rc["authorizer"]["jwt"]["claims"]
    assert claims["sub"] == contract_gw.user and claims["cognito:username"] == contract_gw.user


def test_v2_any_route_key_and_greedy(contract_gw, contract_auth):
    event, _, _ = event_of(contract_gw, "PATCH", "/v2/proxy/x/y", auth=contract_auth)
    assert event["routeKey"] == "ANY /v2/proxy/{proxy+}"
    assert event["pathParameters"] == {"proxy": "x/y"}
    assert event["requestContext"]["http"]["method"] == "PATCH"
    event, _, _ = event_of(contract_gw, "PUT", "/v2/echo", auth=contract_auth)
    assert event["routeKey"] == "ANY /v2/echo"


def test_v2_body(contract_gw):
    event, _, _ = event_of(contract_gw, "POST", "/v2/open", [("Content-Type", "application/json")], b'{"k": "v"}')
    assert event["body"] == '{"k": "v"}' and event["isBase64Encoded"] is False


# --- the worker's environment (§2.1 substitution, §4.3) ----------------------------------------------------------

def test_function_environment(contract_gw, contract_auth):
    _, _, doc = event_of(contract_gw, "GET", "/echo", auth=contract_auth)
    env = doc["env"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "echo"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "128"
    assert env["AWS_LAMBDA_FUNCTION_TIMEOUT"] == "30"
    assert env["AWS_REGION"] == "ap-northeast-1"
    assert env["GATEWAY_INTERNAL_URL"] == "https://127.0.0.1:1"
    assert env["AWS_ENDPOINT_URL_LAMBDA"] == "https://127.0.0.1:1"
    # ${NAME} from the Manager's environment, $$ → $, unknown names stay
    assert env["GREETING"] == "hello contract $HOME $UNKNOWN_CONTRACT_VAR"


# --- what describes only the client's connection (docs/gateway.md, "Event headers") ------------------------------

@pytest.mark.parametrize("path", ["/open", "/v2/open"])
def test_connection_headers_stay_out_of_the_event_and_a_chunked_body_gets_its_length(contract_gw, tmp_path, path):
    """curl's chunked upload with `Expect: 100-continue` and a `Connection` that lists another field: none of the
    connection's own fields reach the function (RFC 9110 §7.6.1; Node's fetch refuses to forward them), and the
    body, read whole, is announced by its length."""
    import subprocess
    upload = tmp_path / "upload.json"
    upload.write_bytes(b'{"k": "chunked"}')
    p = subprocess.run(["curl", "-sk", "--max-time", "60", "-T", str(upload), "-X", "POST",
                        "-H", "Transfer-Encoding: chunked", "-H", "Expect: 100-continue",
                        "-H", "Connection: keep-alive, X-Hop", "-H", "X-Hop: 1", "-H", "Keep-Alive: timeout=5",
                        "-H", "X-Kept: yes", "-H", "Content-Type: application/json", contract_gw.url + path],
                       capture_output=True, timeout=90)
    assert p.returncode == 0, p.stderr
    event = json.loads(p.stdout)["event"]
    names = {name.lower() for name in event["headers"]}
    assert not names & {"transfer-encoding", "expect", "connection", "x-hop", "keep-alive"}, event["headers"]
    lower = {k.lower(): v for k, v in event["headers"].items()}
    assert lower["content-length"] == "16" and lower["x-kept"] == "yes"
    assert event["body"] == '{"k": "chunked"}'
    if path == "/open":
        assert {k.lower() for k in event["multiValueHeaders"]} == names


@pytest.mark.parametrize("path", ["/open", "/v2/open"])
def test_a_functions_date_header_is_remapped_not_doubled(contract_gw, path):
    """The gateway sends its own `Date`; a function's goes out as API Gateway remaps it, `x-amzn-Remapped-Date`
    (two `Date` lines made requests join them into a value no date parser reads)."""
    result = {"statusCode": 200, "headers": {"Date": "Tue, 01 Jan 2019 00:00:00 GMT"}, "body": "x"}
    status, headers, doc = send(contract_gw, "POST", path, [("Content-Type", "application/json")],
                                json.dumps({"return": result}).encode())
    assert status == 200 and doc == b"x", (status, doc)
    assert len(headers["date"]) == 1 and headers["date"][0] != "Tue, 01 Jan 2019 00:00:00 GMT", headers
    assert headers["x-amzn-remapped-date"] == ["Tue, 01 Jan 2019 00:00:00 GMT"], headers
