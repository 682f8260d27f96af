"""API Gateway fidelity probes (docs/events-and-auth.md): edge cases of the payload 1.0 (REST API) and 2.0 (HTTP
API) events that tests-e2e/test_contract_events.py does not cover, through the real gateway, the real RIE and the
echo fixture (which returns the event it received)."""
import base64
import json

import pytest

from test_contract_events import send


def event(gw, method, path, headers=(), body=None):
    status, _, doc = send(gw, method, path, list(headers), body)
    assert status == 200, (status, doc)
    return doc["event"]


# --- query strings -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/open", "/open?", "/open?&", "/open?&&"])
def test_v1_an_empty_query_is_null(contract_gw, path):
    e = event(contract_gw, "GET", path)
    assert e["queryStringParameters"] is None and e["multiValueQueryStringParameters"] is None


@pytest.mark.parametrize("path", ["/v2/open", "/v2/open?"])
def test_v2_an_empty_query_is_left_out_and_raw_query_is_empty(contract_gw, path):
    e = event(contract_gw, "GET", path)
    assert "queryStringParameters" not in e
    assert e["rawQueryString"] == ""


def test_v1_repeated_keys_last_value_wins_and_all_values_in_order(contract_gw):
    e = event(contract_gw, "GET", "/open?a=1&b=2&a=3&a=")
    assert e["queryStringParameters"] == {"a": "", "b": "2"}
    assert e["multiValueQueryStringParameters"] == {"a": ["1", "3", ""], "b": ["2"]}


def test_v2_repeated_keys_are_comma_joined(contract_gw):
    e = event(contract_gw, "GET", "/v2/open?a=1&b=2&a=3")
    assert e["queryStringParameters"] == {"a": "1,3", "b": "2"}
    assert e["rawQueryString"] == "a=1&b=2&a=3"
    assert "multiValueQueryStringParameters" not in e


@pytest.mark.parametrize("path,key", [("/open", "queryStringParameters"), ("/v2/open", "queryStringParameters")])
def test_encoded_separators_in_names_and_values_are_decoded_after_splitting(contract_gw, path, key):
    e = event(contract_gw, "GET", path + "?a=1%262&b%3Dc=d&e=%3D")
    assert e[key] == {"a": "1&2", "b=c": "d", "e": "="}


def test_v2_raw_query_string_is_kept_encoded(contract_gw):
    e = event(contract_gw, "GET", "/v2/open?q=caf%C3%A9&x=%2F")
    assert e["rawQueryString"] == "q=caf%C3%A9&x=%2F"
    assert e["queryStringParameters"] == {"q": "café", "x": "/"}


# --- headers and cookies -----------------------------------------------------------------------------------------

def test_v2_cookie_header_moves_to_cookies_and_leaves_headers(contract_gw):
    e = event(contract_gw, "GET", "/v2/open", [("Cookie", "a=1; b=2"), ("Cookie", "c=3")])
    assert e["cookies"] == ["a=1", "b=2", "c=3"]
    assert "cookie" not in e["headers"]


def test_v2_without_cookies_there_is_no_cookies_field(contract_gw):
    e = event(contract_gw, "GET", "/v2/open")
    assert "cookies" not in e


def test_v1_keeps_the_cookie_header(contract_gw):
    e = event(contract_gw, "GET", "/open", [("Cookie", "a=1; b=2")])
    assert e["headers"]["Cookie"] == "a=1; b=2"
    assert e["multiValueHeaders"]["Cookie"] == ["a=1; b=2"]


def test_v2_repeated_headers_differing_in_case_are_one_comma_joined_lower_case_header(contract_gw):
    e = event(contract_gw, "GET", "/v2/open", [("X-Dup", "1"), ("x-dup", "2"), ("X-DUP", "3")])
    assert e["headers"]["x-dup"] == "1,2,3"


def test_v1_repeated_headers_keep_every_value(contract_gw):
    e = event(contract_gw, "GET", "/open", [("X-Dup", "1"), ("X-Dup", "2")])
    assert e["headers"]["X-Dup"] == "2"
    assert e["multiValueHeaders"]["X-Dup"] == ["1", "2"]
    assert all(isinstance(v, list) for v in e["multiValueHeaders"].values())
    assert set(e["headers"]) == set(e["multiValueHeaders"])


# --- methods --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["OPTIONS", "PATCH", "DELETE", "PUT"])
def test_v1_any_route_passes_every_method_to_the_function(contract_gw, method):
    e = event(contract_gw, method, "/open")
    assert e["httpMethod"] == method and e["requestContext"]["httpMethod"] == method
    assert e["resource"] == "/open" and e["requestContext"]["resourcePath"] == "/open"


@pytest.mark.parametrize("method", ["OPTIONS", "DELETE"])
def test_v2_any_route_passes_the_method_and_keeps_any_in_the_route_key(contract_gw, method):
    e = event(contract_gw, method, "/v2/open")
    assert e["requestContext"]["http"]["method"] == method
    assert e["routeKey"] == e["requestContext"]["routeKey"] == "ANY /v2/open"


# --- bodies -----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/open", "/v2/open"])
def test_an_empty_body_of_a_binary_type_is_no_body(contract_gw, path):
    e = event(contract_gw, "POST", path, [("Content-Type", "application/octet-stream")], b"")
    assert e["isBase64Encoded"] is False
    if path == "/open":
        assert e["body"] is None
    else:
        assert "body" not in e


@pytest.mark.parametrize("path", ["/open", "/v2/open"])
def test_identity_content_encoding_is_text(contract_gw, path):
    e = event(contract_gw, "POST", path, [("Content-Type", "text/plain"), ("Content-Encoding", "identity")],
              b"plain words")
    assert e["isBase64Encoded"] is False and e["body"] == "plain words"


@pytest.mark.parametrize("path", ["/open", "/v2/open"])
def test_json_with_a_charset_is_text(contract_gw, path):
    e = event(contract_gw, "POST", path, [("Content-Type", "application/json; charset=utf-8")], b'{"x": "\xc3\xa9"}')
    assert e["isBase64Encoded"] is False and json.loads(e["body"]) == {"x": "é"}


def test_v2_binary_body_round_trips(contract_gw):
    raw = bytes(range(255, -1, -1))
    e = event(contract_gw, "PUT", "/v2/open", [("Content-Type", "application/octet-stream")], raw)
    assert e["isBase64Encoded"] is True and base64.b64decode(e["body"]) == raw


# --- paths ------------------------------------------------------------------------------------------------------------

def test_v2_greedy_parameter_is_decoded_and_raw_path_is_not(contract_gw, contract_auth):
    e = event(contract_gw, "GET", "/v2/proxy/a%20b/c%2Fd", [("Authorization", contract_auth["Authorization"])])
    assert e["pathParameters"] == {"proxy": "a b/c/d"}
    assert e["rawPath"] == "/v2/proxy/a%20b/c%2Fd"
    assert e["routeKey"] == "ANY /v2/proxy/{proxy+}"


def test_v2_route_without_parameters_has_no_path_parameters_nor_stage_variables(contract_gw):
    e = event(contract_gw, "GET", "/v2/open")
    assert "pathParameters" not in e and "stageVariables" not in e


def test_v1_greedy_single_segment(contract_gw, contract_auth):
    e = event(contract_gw, "GET", "/proxy/only", [("Authorization", contract_auth["Authorization"])])
    assert e["pathParameters"] == {"proxy": "only"} and e["resource"] == "/proxy/{proxy+}"
    assert e["path"] == "/proxy/only"
