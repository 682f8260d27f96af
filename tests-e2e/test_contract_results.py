"""Contract §3.5: Lambda result → HTTP response, as API Gateway maps it (1.0 REST proxy, 2.0 HTTP API), plus
function errors (502), timeouts (504) and a crashed runtime (502, next request fine) through the real RIE."""
import base64
import json

import pytest


def call(gw, path, command, headers=None, timeout=60):
    """POST a command to the echo function on an auth:none route; (status, {name: [values]}, body bytes)."""
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    return gw.request("POST", path, body=json.dumps(command), headers=h, timeout=timeout)


def returning(value):
    return {"return": value}


@pytest.mark.parametrize("path", ["/open", "/v2/open"])
def test_status_headers_and_string_body_not_requoted(contract_gw, path):
    status, headers, body = call(contract_gw, path, returning({
        "statusCode": 418, "headers": {"X-One": "1", "Content-Type": "text/plain"}, "body": "\"quoted\" text"}))
    assert status == 418
    assert headers["x-one"] == ["1"] and headers["content-type"] == ["text/plain"]
    assert body == b'"quoted" text'


def test_json_looking_string_body_is_sent_verbatim(contract_gw):
    status, _, body = call(contract_gw, "/open", returning({"statusCode": 200, "body": "{\"a\": [1, 2]}"}))
    assert (status, body) == (200, b'{"a": [1, 2]}')


def test_v1_headers_and_multi_value_headers_merge_multi_wins(contract_gw):
    status, headers, _ = call(contract_gw, "/open", returning({
        "statusCode": 200, "body": "",
        "headers": {"X-Single": "s", "X-Both": "from-headers"},
        "multiValueHeaders": {"X-Multi": ["m1", "m2"], "X-Both": ["b1", "b2"]},
        "cookies": ["ignored=1"]}))
    assert status == 200
    assert headers["x-single"] == ["s"]
    assert headers["x-multi"] == ["m1", "m2"]      # separate header lines
    assert headers["x-both"] == ["b1", "b2"]
    assert "set-cookie" not in headers              # 1.0 ignores `cookies`


def test_v1_multi_value_set_cookie_lines(contract_gw):
    status, headers, _ = call(contract_gw, "/open", returning({
        "statusCode": 200, "body": "", "multiValueHeaders": {"Set-Cookie": ["a=1; Path=/", "b=2; HttpOnly"]}}))
    assert headers["set-cookie"] == ["a=1; Path=/", "b=2; HttpOnly"]


def test_v2_cookies_become_set_cookie_lines_and_multi_value_headers_ignored(contract_gw):
    status, headers, body = call(contract_gw, "/v2/open", returning({
        "statusCode": 201, "body": "made", "headers": {"X-Two": "2"},
        "multiValueHeaders": {"X-Ignored": ["no"]}, "cookies": ["c1=v1; Secure", "c2=v2"]}))
    assert (status, body) == (201, b"made")
    assert headers["x-two"] == ["2"]
    assert headers["set-cookie"] == ["c1=v1; Secure", "c2=v2"]
    assert "x-ignored" not in headers


@pytest.mark.parametrize("path", ["/open", "/v2/open"])
def test_base64_result_body_is_decoded(contract_gw, path):
    raw = bytes(range(256))
    status, headers, body = call(contract_gw, path, returning({
        "statusCode": 200, "isBase64Encoded": True, "headers": {"Content-Type": "application/octet-stream"},
        "body": base64.b64encode(raw).decode()}))
    assert status == 200 and body == raw


@pytest.mark.parametrize("value,expected_body", [
    ({"hello": "world"}, {"hello": "world"}),
    ([1, 2, 3], [1, 2, 3]),
    ("just a string", "just a string"),
    (42, 42),
])
def test_v2_result_without_status_code_is_200_json(contract_gw, value, expected_body):
    status, headers, body = call(contract_gw, "/v2/open", returning(value))
    assert status == 200, body
    if isinstance(value, str):
        # AWS returns a bare string result as the body text
        assert body.decode() in (value, json.dumps(value))
    else:
        assert json.loads(body) == expected_body
    assert headers["content-type"][0].startswith("application/json")


def test_v2_result_object_without_status_code_is_the_body(contract_gw):
    status, _, body = call(contract_gw, "/v2/open", returning({"body": "not a proxy result", "x": 1}))
    # a 2.0 result without statusCode is the JSON value itself (AWS "guesses" only when statusCode is present)
    assert status == 200
    assert json.loads(body) == {"body": "not a proxy result", "x": 1}


@pytest.mark.parametrize("value", [
    {"no": "statusCode"},
    "a string",
    [1, 2],
    {"statusCode": "abc", "body": ""},
    {"statusCode": 200, "body": {"an": "object"}},
])
def test_v1_malformed_result_is_502(contract_gw, value):
    status, headers, body = call(contract_gw, "/open", returning(value))
    assert status == 502 and json.loads(body) == {"message": "Internal server error"}, (value, body)
    assert headers.get("x-request-id")


@pytest.mark.parametrize("path", ["/open", "/v2/open"])
def test_function_error_is_502_internal_server_error(contract_gw, path):
    status, headers, body = call(contract_gw, path, {"error": "boom from contract"})
    assert status == 502 and json.loads(body) == {"message": "Internal server error"}
    assert b"boom" not in body and headers.get("x-request-id") and headers.get("x-amzn-trace-id")


def test_result_with_error_message_among_other_keys_is_a_result(contract_gw):
    status, _, body = call(contract_gw, "/v2/open", returning({"errorMessage": "mine", "statusCode": 200,
                                                               "body": "fine"}))
    assert (status, body) == (200, b"fine")


def test_function_timeout_is_504(contract_gw):
    status, headers, body = call(contract_gw, "/short", {"sleep": 4}, timeout=30)
    assert status == 504 and json.loads(body) == {"message": "Endpoint request timed out"}
    assert headers.get("x-request-id") and headers.get("x-amzn-trace-id")
    # the worker recovers: the next request on the same function works
    status, _, body = call(contract_gw, "/short", returning({"statusCode": 200, "body": "after-timeout"}))
    assert (status, body) == (200, b"after-timeout")


def test_runtime_crash_is_502_and_the_next_request_works(contract_gw, contract_box):
    before = {c[0] for c in contract_box.containers() if c[2] != "running"}
    status, headers, body = call(contract_gw, "/open", {"crash": True})
    assert status == 502 and json.loads(body) == {"message": "Internal server error"}
    for _ in range(3):
        status, _, body = call(contract_gw, "/open", returning({"statusCode": 200, "body": "alive"}))
        assert (status, body) == (200, b"alive")


def test_unknown_function_route_is_a_clean_error(contract_gw):
    status, headers, body = contract_gw.request("GET", "/ghost")
    assert status == 502 and json.loads(body) == {"message": "Internal server error"}


def test_missing_image_is_a_clean_error(contract_gw):
    """§8 a missing image: the client gets API Gateway's 502 for a function that cannot run (not 503, which says
    "try again"; the image will not appear by itself), the operator gets the image's name in the gateway's error
    line (the Manager's 404 names it, §4.2), and neither process goes down."""
    status, headers, body = contract_gw.request("GET", "/missing-image")
    assert status == 502 and json.loads(body) == {"message": "Internal server error"}, (status, body)
    assert b"does-not-exist" not in body
    rid = headers["x-request-id"][0]
    line = contract_gw.daemon.wait_log_lines(lambda x: x.get("request_id") == rid and x.get("level") == "ERROR")[0]
    assert "esb-test/does-not-exist-contract:latest" in line["message"], line
    assert contract_gw.daemon.alive() and contract_gw.box.manager.alive()


# §3.5 "a response over 6 MiB → 502". The real RIE refuses a result only above 6 MiB + 100 bytes (its
# `Function.ResponseSizeTooLarge`), so a result in the 100 bytes above Lambda's 6 MiB passes the RIE and must be
# refused by the gateway itself (docs/gateway.md, "Results over 6 MiB"). The function returns "é" * N: the runtime
# writes each one as the six bytes `\u00e9`, so a request of about 2 MiB gives a result of 6 N bytes and more.
SIX_MIB = 6 * 1024 * 1024


def call_for_e_acute_result(gw, path, n):
    """POST the command for a result carrying "é" * n as UTF-8 (about 2 n bytes); (status, headers, body)."""
    value = "é" * n if path.startswith("/v2/") else {"statusCode": 200, "body": "é" * n}
    return gw.request("POST", path, body=json.dumps(returning(value), ensure_ascii=False).encode(),
                      headers={"Content-Type": "application/json"}, timeout=60)


def e_acute_result_size(path, n):
    """Size in bytes of the function's JSON result for "é" * n (compact separators; the runtime's add 2 at most)."""
    return 6 * n + (2 if path.startswith("/v2/") else len('{"statusCode":200,"body":""}'))


@pytest.mark.parametrize("path", ["/open", "/v2/open"])
def test_a_result_just_over_6_mib_that_the_rie_passes_is_502(contract_gw, path):
    size = e_acute_result_size(path, 1_048_580)
    assert SIX_MIB < size <= SIX_MIB + 100 - 2, size  # within the window the RIE lets through (any separators)
    status, headers, body = call_for_e_acute_result(contract_gw, path, 1_048_580)
    assert status == 502 and json.loads(body) == {"message": "Internal server error"}, (status, body[:200])
    assert headers.get("x-request-id")


@pytest.mark.parametrize("path", ["/open", "/v2/open"])
def test_a_result_far_over_6_mib_is_502(contract_gw, path):
    status, _, body = call_for_e_acute_result(contract_gw, path, 1_100_000)  # 6.6 MB: the RIE's own error
    assert status == 502 and json.loads(body) == {"message": "Internal server error"}, (status, body[:200])


@pytest.mark.parametrize("path", ["/open", "/v2/open"])
def test_a_result_just_under_6_mib_is_served(contract_gw, path):
    assert e_acute_result_size(path, 1_048_560) + 2 <= SIX_MIB
    status, _, body = call_for_e_acute_result(contract_gw, path, 1_048_560)
    assert status == 200 and body == ("é" * 1_048_560).encode(), (status, body[:200])
