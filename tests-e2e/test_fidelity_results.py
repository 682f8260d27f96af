"""API Gateway fidelity probes (docs/events-and-auth.md, docs/gateway.md): how a Lambda result becomes the HTTP
response, in the cases tests-e2e/test_contract_results.py does not cover, through the real gateway and RIE."""
import base64
import json

import pytest

from test_contract_results import call, returning


def internal_error(status, body):
    return status == 502 and json.loads(body) == {"message": "Internal server error"}


@pytest.mark.parametrize("path", ["/open", "/v2/open"])
def test_status_code_as_a_string(contract_gw, path):
    status, _, body = call(contract_gw, path, returning({"statusCode": "201", "body": "made"}))
    assert (status, body) == (201, b"made")


@pytest.mark.parametrize("path", ["/open", "/v2/open"])
@pytest.mark.parametrize("code", [100, 199, 600, 0, -1])
def test_status_code_outside_200_to_599_is_502(contract_gw, path, code):
    status, _, body = call(contract_gw, path, returning({"statusCode": code, "body": "x"}))
    assert internal_error(status, body), (status, body)


@pytest.mark.parametrize("path", ["/open", "/v2/open"])
def test_invalid_base64_body_is_502(contract_gw, path):
    status, _, body = call(contract_gw, path, returning({"statusCode": 200, "isBase64Encoded": True,
                                                          "body": "not base64!!"}))
    assert internal_error(status, body), (status, body)


def test_v1_unknown_key_is_502(contract_gw):
    status, _, body = call(contract_gw, "/open", returning({"statusCode": 200, "body": "x", "extra": 1}))
    assert internal_error(status, body)


def test_v1_multi_value_header_that_is_not_a_list_is_502(contract_gw):
    status, _, body = call(contract_gw, "/open", returning({"statusCode": 200, "body": "x",
                                                            "multiValueHeaders": {"X-A": "single"}}))
    assert internal_error(status, body)


def test_v2_cookies_and_a_set_cookie_header_both_go_out(contract_gw):
    status, headers, _ = call(contract_gw, "/v2/open", returning({
        "statusCode": 200, "body": "", "headers": {"Set-Cookie": "h=1"}, "cookies": ["c=2", "d=3; Path=/"]}))
    assert status == 200
    assert sorted(headers["set-cookie"]) == ["c=2", "d=3; Path=/", "h=1"]


def test_v2_a_comma_joined_header_value_stays_one_line(contract_gw):
    status, headers, _ = call(contract_gw, "/v2/open", returning({
        "statusCode": 200, "body": "", "headers": {"X-List": "a,b,c"}}))
    assert headers["x-list"] == ["a,b,c"]


@pytest.mark.parametrize("path", ["/open", "/v2/open"])
def test_number_and_boolean_header_values_are_text(contract_gw, path):
    status, headers, _ = call(contract_gw, path, returning({
        "statusCode": 200, "body": "", "headers": {"X-Num": 42, "X-Bool": True}}))
    assert headers["x-num"] == ["42"] and headers["x-bool"] == ["true"]


@pytest.mark.parametrize("path", ["/open", "/v2/open"])
def test_status_code_without_body_is_an_empty_body(contract_gw, path):
    status, _, body = call(contract_gw, path, returning({"statusCode": 204}))
    assert (status, body) == (204, b"")


@pytest.mark.parametrize("value,text", [(None, b"null"), (True, b"true"), (3.5, b"3.5"), ({}, b"{}")])
def test_v2_json_values_without_status_code_are_the_body(contract_gw, value, text):
    status, headers, body = call(contract_gw, "/v2/open", returning(value))
    assert status == 200 and json.loads(body) == value, body
    assert headers["content-type"][0].startswith("application/json")


def test_v2_result_with_status_code_ignores_other_keys(contract_gw):
    status, headers, body = call(contract_gw, "/v2/open", returning({"statusCode": 202, "body": "ok", "other": 1}))
    assert (status, body) == (202, b"ok")


@pytest.mark.parametrize("path", ["/open", "/v2/open"])
def test_content_type_defaults_to_json_and_the_functions_wins(contract_gw, path):
    _, headers, _ = call(contract_gw, path, returning({"statusCode": 200, "body": "x"}))
    assert headers["content-type"] == ["application/json"]
    _, headers, _ = call(contract_gw, path, returning({"statusCode": 200, "body": "x",
                                                       "headers": {"content-type": "text/html"}}))
    assert headers["content-type"] == ["text/html"]


@pytest.mark.parametrize("path", ["/open", "/v2/open"])
def test_base64_body_with_non_binary_type_is_decoded(contract_gw, path):
    status, _, body = call(contract_gw, path, returning({
        "statusCode": 200, "isBase64Encoded": True, "body": base64.b64encode(b"hello").decode(),
        "headers": {"Content-Type": "text/plain"}}))
    assert (status, body) == (200, b"hello")


def test_head_on_a_proxy_route_gets_the_functions_headers_and_no_body(contract_gw):
    status, headers, body = contract_gw.request("HEAD", "/open")
    assert status == 200 and body == b""
    assert headers["content-type"] == ["application/json"]


def test_v1_the_same_header_in_both_maps_with_different_case(contract_gw):
    status, headers, _ = call(contract_gw, "/open", returning({
        "statusCode": 200, "body": "", "headers": {"x-mixed": "single"},
        "multiValueHeaders": {"X-Mixed": ["m1", "m2"]}}))
    assert headers["x-mixed"] == ["m1", "m2"]


def test_v2_an_object_with_error_keys_among_others_is_the_functions_value(contract_gw):
    """A successful invocation whose value merely has errorMessage/errorType among its own keys is a result: a 2.0
    result without statusCode is then the body, 200, as AWS infers it (only a runtime's own error object, with
    nothing but its keys, is a function error)."""
    value = {"errorMessage": "not really", "errorType": "Validation", "field": "email"}
    status, headers, body = call(contract_gw, "/v2/open", returning(value))
    assert status == 200, body
    assert json.loads(body) == value


@pytest.mark.parametrize("path", ["/open", "/v2/open"])
def test_a_node_runtime_error_object_is_502(contract_gw, path):
    node_error = {"errorType": "TypeError", "errorMessage": "x is not a function", "trace": ["TypeError: x"]}
    status, _, body = call(contract_gw, path, returning(node_error))
    assert internal_error(status, body), (status, body)


@pytest.mark.parametrize("path", ["/open", "/v2/open"])
def test_a_null_content_type_means_none(contract_gw, path):
    """API Gateway adds application/json only when the function names no Content-Type; a function that sets it to
    null (ASP.NET hosting on Lambda does, for bodiless answers) gets none."""
    status, headers, body = call(contract_gw, path, returning({
        "statusCode": 200, "headers": {"Content-Type": None, "X-Kept": "yes"}, "body": "raw"}))
    assert (status, body) == (200, b"raw")
    assert "content-type" not in headers and headers["x-kept"] == ["yes"]
