"""Contract §3.4 / §3.6 / §3.8 (issue 13, AWS fidelity) through the real daemons and the real RIE: the
`X-Forwarded-*` headers and `identity.apiKey`/`apiKeyId` AWS's sample events carry, `X-Amz-Log-Type: Tail` and
`X-Amz-Client-Context` on the Invoke API, and the request-scoped DEBUG line with `LOG_LEVEL=DEBUG`."""
import base64
import json
import os
import subprocess

import pytest

from contract.box import FUNCTIONS_YML, ROOT, Box
from contract.fixtures import side_gateway

SAMPLES = os.path.join(ROOT, "Tests", "Fixtures", "aws-events")


def sample(name):
    with open(os.path.join(SAMPLES, name)) as f:
        return json.load(f)


def event_of(gw, path, headers=None):
    status, _, body = gw.request("GET", path, headers=headers or {}, timeout=30)
    assert status == 200, body
    return json.loads(body)["event"]


def test_rest_event_carries_the_forwarded_headers_of_awss_sample(contract_gw):
    """`sam local generate-event apigateway aws-proxy` carries X-Forwarded-For/-Port/-Proto in `headers` and
    `multiValueHeaders`; so must the event the function receives."""
    aws = sample("apigateway-aws-proxy.json")
    event = event_of(contract_gw, "/open")
    for name in ("X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto"):
        assert name in aws["headers"] and name in aws["multiValueHeaders"]
        assert name in event["headers"], sorted(event["headers"])
        assert event["multiValueHeaders"][name] == [event["headers"][name]]
    assert event["headers"]["X-Forwarded-For"] == "127.0.0.1"
    assert event["headers"]["X-Forwarded-Port"] == str(contract_gw.port)
    assert event["headers"]["X-Forwarded-Proto"] == "https" == aws["headers"]["X-Forwarded-Proto"]


def test_rest_event_identity_has_api_key_fields(contract_gw):
    identity = event_of(contract_gw, "/open")["requestContext"]["identity"]
    assert identity["apiKey"] is None and identity["apiKeyId"] is None
    aws_identity = sample("apigateway-aws-proxy.json")["requestContext"]["identity"]
    assert set(aws_identity) <= set(identity)


def test_a_clients_forged_forwarded_for_does_not_reach_the_function(contract_gw):
    event = event_of(contract_gw, "/open", {"X-Forwarded-For": "6.6.6.6", "X-Forwarded-Proto": "gopher"})
    assert event["multiValueHeaders"]["X-Forwarded-For"] == ["127.0.0.1"]
    assert event["headers"]["X-Forwarded-Proto"] == "https"
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"


def test_http_api_event_carries_them_lower_case(contract_gw):
    event = event_of(contract_gw, "/v2/open")
    assert event["headers"]["x-forwarded-for"] == "127.0.0.1"
    assert event["headers"]["x-forwarded-proto"] == "https"
    assert event["headers"]["x-forwarded-port"] == str(contract_gw.port)


# --- §3.8: the request-scoped DEBUG line -------------------------------------------------------------------------------

def test_log_level_debug_writes_a_request_scoped_line_with_worker_and_temperature():
    """With LOG_LEVEL=DEBUG the gateway writes, per invocation, a DEBUG line carrying the request id, the worker and
    whether the start was cold — what an operator greps for first. At INFO the line is absent."""
    with side_gateway(LOG_LEVEL="DEBUG") as gw:
        ids = ["dbg-cold-1", "dbg-warm-2"]
        for rid in ids:
            status, _, _ = gw.request("GET", "/open", headers={"X-Request-Id": rid}, timeout=60)
            assert status == 200
        lines = {rid: gw.daemon.wait_log_lines(
            lambda x, rid=rid: x.get("request_id") == rid and x.get("logger") == "gateway.invocation") for rid in ids}
        cold, warm = lines[ids[0]][0], lines[ids[1]][0]
        assert cold["level"] == warm["level"] == "DEBUG"
        assert (cold["cold_start"], warm["cold_start"]) == (True, False)
        assert cold["worker"] == warm["worker"] and len(cold["worker"]) == 64
        assert cold["function"] == "echo" and "cold" in cold["message"] and "warm" in warm["message"]
        workers = [c[0] for c in gw.box.containers()]
        assert cold["worker"] in workers, workers


def test_log_level_info_writes_no_invocation_debug_line(contract_gw):
    status, _, _ = contract_gw.request("GET", "/open", headers={"X-Request-Id": "info-no-debug"}, timeout=60)
    assert status == 200
    contract_gw.daemon.wait_log_lines(lambda x: x.get("request_id") == "info-no-debug")
    assert not [x for x in contract_gw.daemon.log_lines() if x.get("logger") == "gateway.invocation"]


# --- §3.6: X-Amz-Log-Type: Tail and X-Amz-Client-Context (boto3 against the real RIE) --------------------------------

CONTEXT_IMAGE = "esb-test/context:latest"


@pytest.fixture(scope="module")
def context_gw():
    """A Manager + gateway whose functions include `context` (tests-e2e/fixtures/context: reports the Lambda
    context, prints numbered lines)."""
    if subprocess.run(["docker", "image", "inspect", CONTEXT_IMAGE], capture_output=True).returncode != 0:
        pytest.fail("image %s missing: run tests-e2e/setup.sh" % CONTEXT_IMAGE)
    box = Box(functions_yml=FUNCTIONS_YML + '  context:\n    image: "%s"\n' % CONTEXT_IMAGE)
    try:
        box.start_manager(CONTRACT_WHO="fidelity")
        yield box.start_gateway()
    finally:
        box.close()


def test_log_type_tail_returns_the_invocations_log_start_to_report(context_gw):
    client = context_gw.lambda_client()
    resp = client.invoke(FunctionName="context", LogType="Tail", Payload=json.dumps({"lines": 3}).encode())
    result = json.loads(resp["Payload"].read())
    rid = result["request_id"]
    log = base64.b64decode(resp["LogResult"]).decode()
    lines = log.splitlines()
    assert lines[0].startswith("START RequestId: %s " % rid), log
    assert lines[1:4] == ["context-line-0", "context-line-1", "context-line-2"], log
    assert lines[4] == "END RequestId: %s" % rid
    assert lines[5].startswith("REPORT RequestId: %s" % rid) and len(lines) == 6, log
    assert "(rapid)" not in log


def test_log_tail_is_the_last_4_kb(context_gw):
    client = context_gw.lambda_client()
    resp = client.invoke(FunctionName="context", LogType="Tail", Payload=json.dumps({"lines": 800}).encode())
    rid = json.loads(resp["Payload"].read())["request_id"]
    raw = base64.b64decode(resp["LogResult"])
    assert len(raw) == 4096
    text = raw.decode()
    assert "context-line-799\nEND RequestId: %s\nREPORT RequestId: %s" % (rid, rid) in text
    assert "context-line-0\n" not in text and "START RequestId" not in text


def test_without_log_type_there_is_no_log_result(context_gw):
    resp = context_gw.lambda_client().invoke(FunctionName="context", Payload=b"{}")
    assert "LogResult" not in resp
    assert "x-amz-log-result" not in resp["ResponseMetadata"]["HTTPHeaders"]


def test_client_context_reaches_the_function(context_gw):
    ctx = {"client": {"installation_id": "inst-1", "app_title": "box"}, "custom": {"k": "v", "n": 1},
           "env": {"platform": "linux"}}
    resp = context_gw.lambda_client().invoke(
        FunctionName="context", ClientContext=base64.b64encode(json.dumps(ctx).encode()).decode(), Payload=b"{}")
    result = json.loads(resp["Payload"].read())
    assert result["client_context"]["custom"] == ctx["custom"]
    assert result["client_context"]["env"] == ctx["env"]
    assert result["client_context"]["client"]["installation_id"] == "inst-1"


def test_without_client_context_the_function_sees_none(context_gw):
    resp = context_gw.lambda_client().invoke(FunctionName="context", Payload=b"{}")
    assert json.loads(resp["Payload"].read())["client_context"] is None


def test_a_client_context_that_is_not_base64_json_is_refused(context_gw):
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as raised:
        context_gw.lambda_client().invoke(FunctionName="context", ClientContext="not base64 json!", Payload=b"{}")
    assert raised.value.response["Error"]["Code"] == "InvalidRequestContentException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
