"""Contract §3.6: the Lambda Invoke API with boto3 (real SigV4 signatures made by botocore) and with curl."""
import json
import re
import time

import botocore.exceptions
import pytest

from contract.box import make_jwt, wait_until

ARN = "arn:aws:lambda:ap-northeast-1:000000000000:function:echo"


UUID_SHAPE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def client(contract_gw):
    return contract_gw.lambda_client()


def error_code(exc_info):
    return exc_info.value.response["Error"]["Code"]


def test_sync_invoke_returns_the_result(client):
    resp = client.invoke(FunctionName="echo", Payload=json.dumps({"return": {"answer": 42}}))
    assert resp["StatusCode"] == 200
    assert resp["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in resp
    assert json.loads(resp["Payload"].read()) == {"answer": 42}


def test_the_function_sees_the_payload_as_its_event(client):
    resp = client.invoke(FunctionName="echo", Payload=json.dumps({"k": [1, 2]}))
    doc = json.loads(resp["Payload"].read())
    assert json.loads(doc["body"])["event"] == {"k": [1, 2]}


def test_empty_payload_invoke(client):
    resp = client.invoke(FunctionName="echo")
    assert resp["StatusCode"] == 200


@pytest.mark.parametrize("name,qualifier", [
    ("echo", None), ("echo:$LATEST", None), ("echo", "$LATEST"), (ARN, None), (ARN + ":$LATEST", None),
    ("000000000000:function:echo", None), ("000000000000:function:echo:$LATEST", None), (ARN, "$LATEST"),
])
def test_name_forms(client, name, qualifier):
    kwargs = {"FunctionName": name, "Payload": json.dumps({"return": "ok"})}
    if qualifier:
        kwargs["Qualifier"] = qualifier
    resp = client.invoke(**kwargs)
    assert resp["StatusCode"] == 200 and json.loads(resp["Payload"].read()) == "ok"


def test_unknown_function_is_resource_not_found(client):
    with pytest.raises(client.exceptions.ResourceNotFoundException) as e:
        client.invoke(FunctionName="no-such-function", Payload=b"{}")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert "Function not found: arn:aws:lambda:ap-northeast-1:000000000000:function:no-such-function" in str(e.value)


def test_unknown_function_raw_shape(contract_gw):
    token = contract_gw.login()
    status, headers, body = contract_gw.request("POST", "/2015-03-31/functions/nope/invocations", body=b"{}",
                                                headers={"Authorization": "Bearer " + token})
    assert status == 404
    assert headers["x-amzn-errortype"][0].split(":")[0] == "ResourceNotFoundException"
    doc = json.loads(body)
    assert doc["Type"] == "User"
    assert doc["message"].startswith("Function not found: arn:aws:lambda:") and doc["message"].endswith(
        ":function:nope")


def test_other_qualifier_is_not_found(client):
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.invoke(FunctionName="echo", Qualifier="7", Payload=b"{}")


def test_function_error_unhandled(client):
    resp = client.invoke(FunctionName="echo", Payload=json.dumps({"error": "kaboom"}))
    assert resp["StatusCode"] == 200
    assert resp["FunctionError"] == "Unhandled"
    assert resp["ExecutedVersion"] == "$LATEST"
    err = json.loads(resp["Payload"].read())
    assert err["errorMessage"] == "kaboom" and err["errorType"] == "RuntimeError"


def test_function_timeout_via_invoke_api(contract_gw):
    client = contract_gw.lambda_client(read_timeout=30)
    resp = client.invoke(FunctionName="echo-short", Payload=json.dumps({"sleep": 4}))
    assert resp["StatusCode"] == 200 and resp["FunctionError"] == "Unhandled"
    err = json.loads(resp["Payload"].read())
    assert "timed out" in err["errorMessage"]


def test_event_invocation_is_202_and_runs(contract_gw, client):
    marker = "contract-event-%d" % time.time_ns()
    resp = client.invoke(FunctionName="echo", InvocationType="Event",
                         Payload=json.dumps({"print": marker, "sleep": 0.5}))
    assert resp["StatusCode"] == 202
    assert resp["Payload"].read() == b""
    # it ran in the background: the worker's stdout reaches the Manager's log (§4.5)
    box = contract_gw.box
    deadline = time.time() + 20
    while time.time() < deadline:
        if marker in box.manager.log_text():
            break
        time.sleep(0.2)
    assert marker in box.manager.log_text()


def test_event_invocation_retries_twice_on_function_error(contract_gw, client):
    marker = "contract-retry-%d" % time.time_ns()
    resp = client.invoke(FunctionName="echo", InvocationType="Event",
                         Payload=json.dumps({"print": marker, "error": "always"}))
    assert resp["StatusCode"] == 202
    deadline = time.time() + 20
    while time.time() < deadline and contract_gw.box.manager.log_text().count(marker) < 3:
        time.sleep(0.3)
    time.sleep(1.5)
    assert contract_gw.box.manager.log_text().count(marker) == 3   # first attempt + 2 retries
    attempts = contract_gw.daemon.wait_log_lines(
        lambda x: x.get("invocation_type") == "Event" and x.get("function") == "echo"
        and x.get("outcome") == "function_error", count=3)
    assert len({line.get("attempt") for line in attempts}) >= 3, attempts


def test_dry_run_is_204_and_does_not_run(contract_gw, client):
    marker = "contract-dryrun-%d" % time.time_ns()
    resp = client.invoke(FunctionName="echo", InvocationType="DryRun", Payload=json.dumps({"print": marker}))
    assert resp["StatusCode"] == 204
    # Evidence instead of a sleep: a real invocation after the DryRun prints its own marker, and the worker's log
    # reaches the manager in order, so once the second marker is there the first would have been too.
    after = "contract-dryrun-after-%d" % time.time_ns()
    assert client.invoke(FunctionName="echo", Payload=json.dumps({"print": after}))["StatusCode"] == 200
    wait_until(lambda: after in contract_gw.box.manager.log_text(), 20, interval=0.2, what="the later invocation's log")
    assert marker not in contract_gw.box.manager.log_text()
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.invoke(FunctionName="nope", InvocationType="DryRun")


def test_dry_run_still_checks_auth(contract_gw):
    bad = contract_gw.lambda_client(secret_key="wrong-secret-key")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        bad.invoke(FunctionName="echo", InvocationType="DryRun")
    assert error_code(e) == "InvalidSignatureException"


def test_bad_signature_is_invalid_signature(contract_gw):
    bad = contract_gw.lambda_client(secret_key="wrong-secret-key")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        bad.invoke(FunctionName="echo", Payload=b"{}")
    assert error_code(e) == "InvalidSignatureException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_unknown_key_is_unrecognized_client(contract_gw):
    bad = contract_gw.lambda_client(access_key="AKIAUNKNOWNKEY000000", secret_key="whatever")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        bad.invoke(FunctionName="echo", Payload=b"{}")
    assert error_code(e) == "UnrecognizedClientException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    # Refused from the head (before the body is read), still named as every Lambda answer is.
    assert UUID_SHAPE.match(e.value.response["ResponseMetadata"]["RequestId"]), e.value.response


def test_no_credentials_is_unrecognized_client(contract_gw):
    status, headers, body = contract_gw.request("POST", "/2015-03-31/functions/echo/invocations", body=b"{}")
    assert status == 403
    assert headers["x-amzn-errortype"][0].split(":")[0] == "UnrecognizedClientException"
    assert UUID_SHAPE.match(headers["x-amzn-requestid"][0]), headers


def test_clock_skew_over_15_minutes_is_invalid_signature(contract_gw):
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials
    from datetime import datetime, timedelta, timezone
    creds = botocore.credentials.Credentials(contract_gw.box.access_key, contract_gw.box.secret_key)
    url = contract_gw.url + "/2015-03-31/functions/echo/invocations"
    req = botocore.awsrequest.AWSRequest(method="POST", url=url, data=b"{}")
    signer = botocore.auth.SigV4Auth(creds, "lambda", "ap-northeast-1")
    skewed = datetime.now(timezone.utc) - timedelta(minutes=20)
    req.context["timestamp"] = skewed.strftime("%Y%m%dT%H%M%SZ")
    signer._modify_request_before_signing(req)
    # sign with the skewed time (botocore's add_auth uses now(); do it by hand)
    req.headers["X-Amz-Date"] = req.context["timestamp"]
    canonical = signer.canonical_request(req)
    string_to_sign = signer.string_to_sign(req, canonical)
    signature = signer.signature(string_to_sign, req)
    signer._inject_signature_to_request(req, signature)
    prepared = req.prepare()
    status, headers, body = contract_gw.request("POST", "/2015-03-31/functions/echo/invocations", body=b"{}",
                                                headers=dict(prepared.headers))
    assert status == 403, body
    assert headers["x-amzn-errortype"][0].split(":")[0] == "InvalidSignatureException"


def test_bearer_jwt_is_accepted(contract_gw, contract_token):
    status, headers, body = contract_gw.request("POST", "/2015-03-31/functions/echo/invocations",
                                                body=json.dumps({"return": "jwt-ok"}),
                                                headers={"Authorization": "Bearer " + contract_token})
    assert status == 200 and json.loads(body) == "jwt-ok"
    assert headers["x-amz-executed-version"] == ["$LATEST"]


def test_bad_jwt_on_invoke_is_403(contract_gw):
    token = make_jwt({"sub": "x", "iat": int(time.time()), "exp": int(time.time()) + 60}, "w" * 40)
    status, headers, _ = contract_gw.request("POST", "/2015-03-31/functions/echo/invocations", body=b"{}",
                                             headers={"Authorization": "Bearer " + token})
    assert status == 403 and headers.get("x-amzn-errortype")


def test_payload_over_6_mib_is_request_too_large(client):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client.invoke(FunctionName="echo", Payload=b'"' + b"x" * (6 * 1024 * 1024 + 10) + b'"')
    assert error_code(e) == "RequestTooLargeException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert UUID_SHAPE.match(e.value.response["ResponseMetadata"]["RequestId"]), e.value.response
    # Lambda's own message, which SDKs show in the exception (the declared length is refused from the head).
    assert e.value.response["Error"]["Message"] == (
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation")


def test_invalid_invocation_type(contract_gw, contract_token):
    status, headers, body = contract_gw.request("POST", "/2015-03-31/functions/echo/invocations", body=b"{}",
                                                headers={"Authorization": "Bearer " + contract_token,
                                                         "X-Amz-Invocation-Type": "Sometimes"})
    assert status == 400 and headers.get("x-amzn-errortype")


def test_invoke_response_carries_request_ids(contract_gw, contract_token):
    status, headers, _ = contract_gw.request("POST", "/2015-03-31/functions/echo/invocations", body=b"{}",
                                             headers={"Authorization": "Bearer " + contract_token})
    assert status == 200 and headers.get("x-request-id") and headers.get("x-amzn-trace-id")


@pytest.mark.parametrize("case", ["no credentials", "unknown function", "bad jwt", "too large"])
def test_invoke_api_errors_carry_request_ids(contract_gw, contract_token, case):
    headers = {"Authorization": "Bearer " + contract_token}
    path, body = "/2015-03-31/functions/echo/invocations", b"{}"
    if case == "no credentials":
        headers = {}
    elif case == "unknown function":
        path = "/2015-03-31/functions/nope/invocations"
    elif case == "bad jwt":
        headers = {"Authorization": "Bearer x.y.z"}
    else:
        body = b'"' + b"x" * (6 * 1024 * 1024 + 1) + b'"'
    status, hdrs, _ = contract_gw.request("POST", path, body=body, headers=headers)
    assert status >= 400 and hdrs.get("x-amzn-errortype")
    assert hdrs.get("x-request-id") and hdrs.get("x-amzn-trace-id", [""])[0].startswith("Root=1-")


@pytest.mark.parametrize("path,status,message", [
    ("echo/invocations?Qualifier=", 200, None),
    ("echo/invocations?Qualifier=%24LATEST", 200, None),
    ("echo:$LATEST/invocations", 200, None),
    ("arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Anope/invocations", 404,
     "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope"),
    ("echo/invocations?Qualifier=prod", 404, "Function not found: arn:aws:lambda:ap-northeast-1:000000000000:function:echo:prod"),
])
def test_raw_name_and_qualifier_forms(contract_gw, contract_token, path, status, message):
    got, headers, body = contract_gw.request("POST", "/2015-03-31/functions/" + path, body=b'{"return": 1}',
                                             headers={"Authorization": "Bearer " + contract_token})
    assert got == status, body
    if message:
        assert json.loads(body) == {"Type": "User", "message": message}
        assert headers["x-amzn-errortype"][0].split(":")[0] == "ResourceNotFoundException"
    else:
        assert body == b"1"


def test_event_invocation_of_unknown_function_is_not_accepted(client):
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.invoke(FunctionName="no-such-function", InvocationType="Event", Payload=b"{}")
