"""Lambda Invoke API fidelity probes (docs/gateway.md): the cases tests-e2e/test_contract_invoke_api.py does not
cover, with boto3 (real SigV4) and raw requests against the real gateway and RIE."""
import json
import time

import pytest

from contract.box import wait_until

INVOKE = "/2015-03-31/functions/%s/invocations"


@pytest.fixture(scope="module")
def client(contract_gw):
    return contract_gw.lambda_client()


@pytest.fixture(scope="module")
def bearer(contract_gw):
    return {"Authorization": "Bearer " + contract_gw.login()}


def raw(gw, bearer, name="echo", body=b"{}", **headers):
    h = dict(bearer)
    h.update({k.replace("_", "-"): v for k, v in headers.items()})
    return gw.request("POST", INVOKE % name, body=body, headers=h)


def test_runtime_crash_is_a_function_error_not_an_http_error(client):
    resp = client.invoke(FunctionName="echo", Payload=json.dumps({"crash": True}))
    assert resp["StatusCode"] == 200
    assert resp["FunctionError"] == "Unhandled"
    err = json.loads(resp["Payload"].read())
    assert err["errorType"] == "Runtime.ExitError", err
    # the function works again afterwards
    resp = client.invoke(FunctionName="echo", Payload=json.dumps({"return": "again"}))
    assert json.loads(resp["Payload"].read()) == "again" and "FunctionError" not in resp


@pytest.mark.parametrize("value", [None, True, 7, "text", [1, "a"], {"nested": {"k": [None]}}])
def test_any_json_result_comes_back_as_is(client, value):
    resp = client.invoke(FunctionName="echo", Payload=json.dumps({"return": value}))
    assert resp["StatusCode"] == 200 and "FunctionError" not in resp
    assert json.loads(resp["Payload"].read()) == value


@pytest.mark.parametrize("payload", [b'"a string"', b"42", b"[1,2]", b"null", b"true"])
def test_any_json_payload_is_accepted(client, payload):
    resp = client.invoke(FunctionName="echo", Payload=payload)
    assert resp["StatusCode"] == 200, resp


def test_sync_response_headers(contract_gw, bearer):
    status, headers, body = raw(contract_gw, bearer, body=b'{"return": {"a": 1}}')
    assert status == 200 and json.loads(body) == {"a": 1}
    assert headers["x-amz-executed-version"] == ["$LATEST"]
    assert "x-amz-function-error" not in headers
    assert headers["content-type"][0].startswith("application/json")


def test_function_error_raw_shape(contract_gw, bearer):
    status, headers, body = raw(contract_gw, bearer, body=b'{"error": "raw-boom"}')
    assert status == 200
    assert headers["x-amz-function-error"] == ["Unhandled"]
    assert headers["x-amz-executed-version"] == ["$LATEST"]
    err = json.loads(body)
    assert err["errorMessage"] == "raw-boom" and err["errorType"] == "RuntimeError"
    assert isinstance(err.get("stackTrace"), list)


def test_request_response_is_the_default_and_can_be_named(contract_gw, bearer):
    status, _, body = raw(contract_gw, bearer, body=b'{"return": 5}', X_Amz_Invocation_Type="RequestResponse")
    assert (status, body) == (200, b"5")


def test_event_answer_is_202_with_an_empty_body_and_a_request_id(contract_gw, bearer):
    status, headers, body = raw(contract_gw, bearer, body=b'{"return": 1}', X_Amz_Invocation_Type="Event")
    assert status == 202 and body == b""
    assert headers.get("x-amzn-requestid")
    assert "x-amz-function-error" not in headers


def test_dry_run_answer_is_204_with_an_empty_body(contract_gw, bearer):
    status, headers, body = raw(contract_gw, bearer, body=b'{"return": 1}', X_Amz_Invocation_Type="DryRun")
    assert status == 204 and body == b""


def test_dry_run_of_an_unknown_function_is_404_with_the_aws_shape(contract_gw, bearer):
    status, headers, body = raw(contract_gw, bearer, name="ghost-fn", X_Amz_Invocation_Type="DryRun")
    assert status == 404
    assert headers["x-amzn-errortype"][0].split(":")[0] == "ResourceNotFoundException"
    doc = json.loads(body)
    assert doc["Type"] == "User" and doc["message"].endswith(":function:ghost-fn")


def test_log_type_none_gives_no_log_result(contract_gw, bearer):
    status, headers, _ = raw(contract_gw, bearer, X_Amz_Log_Type="None")
    assert status == 200 and "x-amz-log-result" not in headers


def test_unknown_function_message_carries_the_arn_with_the_signing_region(contract_gw):
    client = contract_gw.lambda_client()
    with pytest.raises(client.exceptions.ResourceNotFoundException) as e:
        client.invoke(FunctionName="arn:aws:lambda:eu-west-1:000000000000:function:ghost-fn", Payload=b"{}")
    assert "arn:aws:lambda:eu-west-1:000000000000:function:ghost-fn" in str(e.value)


def test_error_responses_are_json(contract_gw, bearer):
    status, headers, body = raw(contract_gw, bearer, name="ghost-fn")
    assert status == 404
    assert headers["content-type"][0].startswith("application/")
    json.loads(body)


def test_a_response_over_the_limit_is_a_function_error(client):
    # 1.1 M "é" (2.2 MB of payload) come back JSON-escaped as 6.6 MB: over Lambda's 6 MB response limit
    payload = json.dumps({"return": "é" * 1_100_000}, ensure_ascii=False).encode()
    resp = client.invoke(FunctionName="echo", Payload=payload)
    assert resp["StatusCode"] == 200 and resp["FunctionError"] == "Unhandled"
    err = json.loads(resp["Payload"].read())
    assert err["errorType"] == "Function.ResponseSizeTooLarge", err


def test_a_node_runtime_error_object_is_a_function_error(client):
    """The Node.js runtime reports an exception as {errorType, errorMessage, trace}; the RIE passes it on with
    status 200 and no header, as it does Python's {errorType, errorMessage, requestId, stackTrace}. The echo
    function returns that exact object, which reaches the gateway byte for byte as a Node runtime's would."""
    node_error = {"errorType": "TypeError", "errorMessage": "x is not a function",
                  "trace": ["TypeError: x is not a function", "    at Runtime.handler (/var/task/index.js:3:9)"]}
    resp = client.invoke(FunctionName="echo", Payload=json.dumps({"return": node_error}))
    assert resp["StatusCode"] == 200
    assert resp.get("FunctionError") == "Unhandled", resp
    assert json.loads(resp["Payload"].read()) == node_error


def test_every_answer_names_its_request_like_aws(client):
    """AWS sends x-amzn-RequestId on every Invoke answer (boto3's ResponseMetadata.RequestId); for a synchronous
    call it is the invocation's id, the function's context.aws_request_id."""
    resp = client.invoke(FunctionName="echo", Payload=b"{}")
    rid = resp["ResponseMetadata"]["RequestId"]
    assert rid and json.loads(json.loads(resp["Payload"].read())["body"])["request_id"] == rid
    resp = client.invoke(FunctionName="echo", Payload=json.dumps({"error": "e"}))
    assert resp["FunctionError"] == "Unhandled" and json.loads(resp["Payload"].read())["requestId"] == \
        resp["ResponseMetadata"]["RequestId"]
    assert client.invoke(FunctionName="echo", InvocationType="DryRun")["ResponseMetadata"]["RequestId"]
    with pytest.raises(client.exceptions.ResourceNotFoundException) as e:
        client.invoke(FunctionName="ghost-fn", Payload=b"{}")
    assert e.value.response["ResponseMetadata"]["RequestId"]


def test_the_clients_request_id_names_the_invocation(contract_gw, bearer):
    status, headers, body = raw(contract_gw, bearer, body=b"{}", X_Request_Id="fid-invoke-rid-1")
    assert status == 200 and headers["x-amzn-requestid"] == ["fid-invoke-rid-1"]
    assert json.loads(json.loads(body)["body"])["request_id"] == "fid-invoke-rid-1"


def test_an_event_over_1_mib_is_request_too_large_and_never_runs(contract_gw, client):
    """Lambda's limit for asynchronous invocations is 1 MiB (6 MiB synchronously); AWS refuses a larger Event with
    413 RequestTooLargeException instead of queueing it."""
    import botocore.exceptions
    marker = "fid-big-event-%d" % time.time_ns()
    payload = json.dumps({"print": marker, "pad": "x" * (1024 * 1024)}).encode()
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client.invoke(FunctionName="echo", InvocationType="Event", Payload=payload)
    assert e.value.response["Error"]["Code"] == "RequestTooLargeException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    # the same payload runs synchronously (under 6 MiB), and an Event just under the limit is queued
    assert client.invoke(FunctionName="echo", Payload=payload)["StatusCode"] == 200
    small = json.dumps({"pad": "x" * (1024 * 1024 - 64)}).encode()
    assert len(small) <= 1024 * 1024
    assert client.invoke(FunctionName="echo", InvocationType="Event", Payload=small)["StatusCode"] == 202
    # evidence that the refused event never ran: its marker printed by the synchronous call only, once
    wait_until(lambda: marker in contract_gw.box.manager.log_text(), 20, interval=0.2, what="the sync run's log")
    assert contract_gw.box.manager.log_text().count(marker) == 1


@pytest.mark.parametrize("name", ["bad name!", "two:qual:ifiers", "x" * 171])
def test_a_name_that_cannot_be_a_function_is_a_validation_error(client, name):
    """AWS checks FunctionName against its pattern (and 170 characters) before looking the function up: 400
    ValidationException "1 validation error detected: ...", not ResourceNotFoundException."""
    import botocore.exceptions
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client.invoke(FunctionName=name, Payload=b"{}")
    assert e.value.response["Error"]["Code"] == "ValidationException", e.value.response
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    message = e.value.response["Error"]["Message"]
    assert message.startswith("1 validation error detected: Value '%s' at 'functionName' failed to satisfy "
                              "constraint: Member must " % name), message


def test_an_unknown_invocation_type_is_a_validation_error(contract_gw, bearer):
    status, headers, body = raw(contract_gw, bearer, X_Amz_Invocation_Type="event")
    assert status == 400
    assert headers["x-amzn-errortype"][0].split(":")[0] == "ValidationException"
    assert "Member must satisfy enum value set: [Event, RequestResponse, DryRun]" in json.loads(body)["message"]


def test_two_different_qualifiers_are_an_invalid_parameter(client):
    with pytest.raises(client.exceptions.InvalidParameterValueException) as e:
        client.invoke(FunctionName="echo:$LATEST", Qualifier="7", Payload=b"{}")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert e.value.response["Error"]["Message"] == \
        "The derived qualifier from the function name does not match the specified qualifier."


def test_an_unknown_log_type_is_a_validation_error(contract_gw, bearer):
    status, headers, body = raw(contract_gw, bearer, body=b'{"print": "never"}', X_Amz_Log_Type="Full")
    assert status == 400
    assert headers["x-amzn-errortype"][0].split(":")[0] == "ValidationException"
    assert "Value 'Full' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [Tail, None]" \
        in json.loads(body)["message"]
