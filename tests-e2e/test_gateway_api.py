"""Gateway end-to-end: real esb-gateway + real esb-manager + real RIE workers (the echo fixture), real clients.

docs/contract.md §3.2–§3.6, §3.8, §3.9, §8 (JWT faults, unknown functions, a missing image, a killed worker, TLS below 1.2).
"""
import base64
import json
import os
import ssl
import socket
import time
import uuid

import pytest

import gateway_support as gs

box = pytest.fixture(scope="module")(gs.box_fixture)


@pytest.fixture(scope="module")
def gw(box):
    return box.start_gateway()


@pytest.fixture(scope="module")
def token(gw):
    return gw.login()


def test_self_signed_certificate_created_and_logged(gw):
    assert os.path.exists(gw.env["TLS_CERT_PATH"]) and os.path.exists(gw.env["TLS_KEY_PATH"])
    gw.daemon.wait_log_lines(lambda line: "self-signed" in str(line.get("message", "")))
    ctx = ssl.create_default_context(cafile=gw.env["TLS_CERT_PATH"])
    with socket.create_connection(("127.0.0.1", gw.port)) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            assert tls.version() in ("TLSv1.2", "TLSv1.3")


def test_tls_below_1_2_is_refused(gw):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    # At the default security level OpenSSL 3 will not offer TLS 1.0/1.1 at all (the client would refuse by
    # itself); SECLEVEL=0 makes it offer them, so only the server's protocol-version alert passes this test.
    ctx.set_ciphers("ALL:@SECLEVEL=0")
    ctx.minimum_version = ssl.TLSVersion.TLSv1
    ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    with socket.create_connection(("127.0.0.1", gw.port)) as raw:
        with pytest.raises(ssl.SSLError) as refused:
            ctx.wrap_socket(raw).do_handshake()
    assert "PROTOCOL_VERSION" in str(refused.value).upper(), refused.value


def test_health_and_ids_on_every_response(gw):
    status, headers, body = gw.request("GET", "/health")
    assert status == 200
    doc = json.loads(body)
    assert doc["status"] == "healthy" and doc["timestamp"].endswith("Z")
    assert len(headers["x-request-id"][0]) == 36
    assert headers["x-amzn-trace-id"][0].startswith("Root=1-")
    for method, path in [("GET", "/nowhere"), ("DELETE", "/users/1"), ("POST", "/user/auth/ver1.0")]:
        status, headers, _ = gw.request(method, path, headers={"X-Request-Id": "client-id-1",
                                                               "X-Amzn-Trace-Id": "Root=1-5f84c7a1-0123456789abcdef01234567"})
        assert status == 401
        assert headers["x-request-id"] == ["client-id-1"]
        assert headers["x-amzn-trace-id"] == ["Root=1-5f84c7a1-0123456789abcdef01234567"]


@pytest.mark.parametrize("path", ["/user/auth/ver1.0", "/user/auth/v1"])
def test_login_status_and_header_order(gw, path):
    good = json.dumps({"AuthParameters": {"USERNAME": gw.user, "PASSWORD": gw.password}})
    cases = [
        ({}, good, 401, None),
        ({"x-api-key": "wrong"}, "{broken", 401, None),
        ({"x-api-key": gw.api_key}, "{broken", 400, None),
        ({"x-api-key": gw.api_key}, json.dumps({"AuthParameters": {"USERNAME": gw.user, "PASSWORD": "x"}}), 401, "true"),
        ({"x-api-key": gw.api_key}, good, 200, "true"),
    ]
    for headers, body, status, authorized in cases:
        got, hdrs, data = gw.request("POST", path, headers=headers, body=body)
        assert got == status, (headers, body, data)
        assert hdrs.get("padma_user_authorized", [None])[0] == authorized
        if status == 200:
            result = json.loads(data)["AuthenticationResult"]
            assert result["TokenType"] == "Bearer" and result["ExpiresIn"] == 3000 and result["IdToken"].count(".") == 2
        else:
            assert json.loads(data) == {"message": {400: "Bad Request", 401: "Unauthorized"}[status]}


def test_401_before_404_and_405(gw, token):
    assert gw.request("GET", "/no/such/path")[0] == 401
    assert gw.request("PATCH", "/users/7")[0] == 401
    status, _, body = gw.request("GET", "/no/such/path", headers=gw.auth(token))
    assert (status, json.loads(body)) == (404, {"message": "Not Found"})
    status, headers, body = gw.request("PATCH", "/users/7", headers=gw.auth(token))
    assert (status, json.loads(body)) == (405, {"message": "Method Not Allowed"})
    assert headers["allow"] == ["GET, POST"]


@pytest.mark.parametrize("kind", ["alg-none", "wrong-key", "tampered", "expired"])
def test_bad_jwts_are_401(gw, token, kind):
    now = int(time.time())
    claims = {"sub": gw.user, "iat": now, "exp": now + 600}
    if kind == "alg-none":
        bad = gw.make_jwt(claims, alg="none")
    elif kind == "wrong-key":
        bad = gw.make_jwt(claims, key="x" * 40)
    elif kind == "expired":
        bad = gw.make_jwt({"sub": gw.user, "iat": now - 4000, "exp": now - 3000})
    else:
        header, _, sig = token.split(".")
        forged = base64.urlsafe_b64encode(json.dumps({"sub": "root", "exp": now + 9999}).encode()).rstrip(b"=").decode()
        bad = f"{header}.{forged}.{sig}"
    status, _, body = gw.request("GET", "/echo", headers={"Authorization": "Bearer " + bad})
    assert (status, json.loads(body)) == (401, {"message": "Unauthorized"})


def test_proxy_v1_event_shape_and_request_id(gw, token):
    rid = str(uuid.uuid4())
    status, headers, body = gw.request(
        "POST", "/users/42?tag=a&tag=b&x=1", body=json.dumps({"hello": "world"}),
        headers={**gw.auth(token), "X-Request-Id": rid, "Content-Type": "application/json", "X-Custom": "One"})
    assert status == 200, body
    assert headers["x-request-id"] == [rid]
    event = json.loads(body)["event"]
    assert event["resource"] == "/users/{id}" and event["path"] == "/users/42" and event["httpMethod"] == "POST"
    assert event["pathParameters"] == {"id": "42"}
    assert event["queryStringParameters"]["tag"] == "b"
    assert event["multiValueQueryStringParameters"]["tag"] == ["a", "b"]
    assert event["headers"]["X-Custom"] == "One"
    assert event["multiValueHeaders"]["X-Custom"] == ["One"]
    assert event["requestContext"]["requestId"] == rid
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"
    assert event["requestContext"]["authorizer"]["claims"]["sub"] == gw.user
    assert event["requestContext"]["authorizer"]["cognito:username"] == gw.user
    assert event["isBase64Encoded"] is False and json.loads(event["body"]) == {"hello": "world"}
    assert event["stageVariables"] is None


def test_proxy_v2_event_and_cookies(gw, token):
    status, headers, body = gw.request("GET", "/echo2/a/b?q=1", headers={**gw.auth(token), "Cookie": "a=1; b=2"})
    assert status == 200, body
    event = json.loads(body)["event"]
    assert event["version"] == "2.0" and event["routeKey"] == "ANY /echo2/{rest+}"
    assert event["rawPath"] == "/echo2/a/b" and event["rawQueryString"] == "q=1"
    assert event["pathParameters"] == {"rest": "a/b"}
    assert event["cookies"] == ["a=1", "b=2"]
    assert event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] == gw.user
    result = {"statusCode": 201, "cookies": ["s=1; Path=/", "t=2"], "headers": {"X-One": "1"}, "body": "made"}
    status, headers, body = gw.request("POST", "/echo2/x", body=json.dumps({"return": result}), headers=gw.auth(token))
    assert (status, body) == (201, b"made")
    assert headers["set-cookie"] == ["s=1; Path=/", "t=2"] and headers["x-one"] == ["1"]


def test_v1_multi_value_headers_and_plain_string_body(gw, token):
    result = {"statusCode": 202, "headers": {"X-A": "single", "Content-Type": "text/html"},
              "multiValueHeaders": {"X-A": ["m1", "m2"], "Set-Cookie": ["c1=1", "c2=2"]}, "body": "<h1>hi</h1>"}
    status, headers, body = gw.request("POST", "/echo", body=json.dumps({"return": result}), headers=gw.auth(token))
    assert status == 202
    assert body == b"<h1>hi</h1>"  # never JSON-quoted again
    assert headers["x-a"] == ["m1", "m2"] and headers["set-cookie"] == ["c1=1", "c2=2"]
    assert headers["content-type"] == ["text/html"]


def test_binary_upload_and_download_are_byte_exact(gw, token):
    blob = bytes(range(256)) * 64 + os.urandom(4096)
    status, _, body = gw.request("POST", "/echo", body=blob,
                                 headers={**gw.auth(token), "Content-Type": "application/octet-stream"})
    assert status == 200
    event = json.loads(body)["event"]
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == blob
    result = {"statusCode": 200, "isBase64Encoded": True, "headers": {"Content-Type": "application/octet-stream"},
              "body": base64.b64encode(blob).decode()}
    status, headers, body = gw.request("POST", "/echo", body=json.dumps({"return": result}), headers=gw.auth(token))
    assert status == 200 and body == blob


def test_open_route_needs_no_token(gw):
    status, _, body = gw.request("GET", "/open")
    assert status == 200
    assert "authorizer" not in json.loads(body)["event"]["requestContext"] or \
        json.loads(body)["event"]["requestContext"].get("authorizer") is None


def test_head_on_a_routed_path_has_get_s_content_length_and_no_body(gw, token):
    # /two is an ANY route (a GET route does not take HEAD: 405, as API Gateway routes by exact method).
    status, headers, get_body = gw.request("GET", "/two", headers=gw.auth(token))
    assert status == 200 and get_body
    conn = gw.connection()
    try:
        status, headers, body = gw.request("HEAD", "/two", headers=gw.auth(token), conn=conn)
        # The event differs per request (ids, time), so the length may differ by a few bytes, but never 0.
        assert status == 200 and body == b"" and abs(int(headers["content-length"][0]) - len(get_body)) < 64, headers
        # No stray body on the connection: the next answer parses.
        assert gw.request("GET", "/health", conn=conn)[0] == 200
    finally:
        conn.close()


def test_function_error_is_502_and_timeout_is_504(gw, token):
    status, _, body = gw.request("POST", "/echo", body=json.dumps({"error": "boom"}), headers=gw.auth(token))
    assert (status, json.loads(body)) == (502, {"message": "Internal server error"})
    status, _, body = gw.request("POST", "/short", body=json.dumps({"sleep": 4}), headers=gw.auth(token))
    assert (status, json.loads(body)) == (504, {"message": "Endpoint request timed out"})
    # The function still answers afterwards.
    assert gw.request("GET", "/short", headers=gw.auth(token))[0] == 200


def test_worker_killed_mid_invocation_is_502_then_served(gw, token):
    status, _, body = gw.request("POST", "/echo", body=json.dumps({"crash": True}), headers=gw.auth(token))
    assert (status, json.loads(body)) == (502, {"message": "Internal server error"})
    for _ in range(3):
        assert gw.request("GET", "/echo", headers=gw.auth(token))[0] == 200


def test_missing_image_is_a_clear_502(gw, token):
    status, _, body = gw.request("GET", "/missing-image", headers=gw.auth(token))
    assert (status, json.loads(body)) == (502, {"message": "Internal server error"})
    # The log line may reach the file a moment after the response (docs/gateway.md, "Logs").
    gw.daemon.wait_log_lines(lambda line: "does-not-exist" in json.dumps(line))


def test_access_log_lines_have_the_product_fields(gw, token):
    rid = "log-check-" + uuid.uuid4().hex
    gw.request("GET", "/echo", headers={**gw.auth(token), "X-Request-Id": rid})
    lines = gw.daemon.wait_log_lines(lambda l: l.get("request_id") == rid and "status" in l)
    line = lines[-1]
    for key in ("_time", "level", "logger", "message", "container_name", "request_id", "trace_id", "method", "path",
                "status", "latency_ms", "function", "worker", "cold_start", "queue_ms"):
        assert key in line, key
    assert line["container_name"] == gw.env["CONTAINER_NAME"] and line["function"] == "echo"


def test_metrics_listener(gw, token):
    gw.request("GET", "/echo", headers=gw.auth(token))
    status, text = gw.metrics()
    assert status == 200
    assert 'esb_gateway_requests_total{route="/echo",status="200"}' in text
    assert "esb_gateway_request_duration_seconds_bucket" in text
    assert 'esb_gateway_pool_workers{function="echo",state="busy"}' in text
    assert "esb_gateway_log_lines_dropped_total" in text


# --- Lambda Invoke API with boto3 (SigV4) ----------------------------------------------------------------------


def test_boto3_invoke_request_response(gw):
    client = gw.lambda_client()
    out = client.invoke(FunctionName="echo", Payload=json.dumps({"return": {"answer": 42}}).encode())
    assert out["StatusCode"] == 200
    assert out["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in out
    assert json.loads(out["Payload"].read()) == {"answer": 42}


@pytest.mark.parametrize("name", [
    "echo:$LATEST", "000000000000:function:echo", "arn:aws:lambda:ap-northeast-1:000000000000:function:echo",
    "arn:aws:lambda:ap-northeast-1:000000000000:function:echo:$LATEST",
])
def test_boto3_invoke_names_and_arns(gw, name):
    out = gw.lambda_client().invoke(FunctionName=name, Payload=b'{"return": "ok"}')
    assert out["StatusCode"] == 200 and json.loads(out["Payload"].read()) == "ok"


def test_boto3_function_error(gw):
    out = gw.lambda_client().invoke(FunctionName="echo", Payload=json.dumps({"error": "bad input"}).encode())
    assert out["StatusCode"] == 200 and out["FunctionError"] == "Unhandled"
    assert json.loads(out["Payload"].read())["errorMessage"] == "bad input"


def test_boto3_event_invocation_runs_in_background_with_retries(gw):
    marker = "event-" + uuid.uuid4().hex
    out = gw.lambda_client().invoke(FunctionName="echo", InvocationType="Event",
                                    Payload=json.dumps({"error": marker}).encode())
    assert out["StatusCode"] == 202
    def attempts():
        return [l for l in gw.daemon.log_lines() if l.get("invocation_type") == "Event" and l.get("function") == "echo"
                and l.get("outcome") == "function_error"]
    before = len(attempts())
    gs.wait_until(lambda: len(attempts()) >= before + 3 or len(attempts()) >= 3, 30, what="3 Event attempts")
    assert {l["attempt"] for l in attempts()} >= {1, 2, 3}


def test_boto3_dry_run(gw):
    out = gw.lambda_client().invoke(FunctionName="echo", InvocationType="DryRun")
    assert out["StatusCode"] == 204


def test_boto3_unknown_function_and_version(gw):
    client = gw.lambda_client()
    with pytest.raises(client.exceptions.ResourceNotFoundException) as e:
        client.invoke(FunctionName="nope", Payload=b"{}")
    assert "Function not found: arn:aws:lambda:ap-northeast-1:000000000000:function:nope" in str(e.value)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.invoke(FunctionName="echo", Qualifier="7", Payload=b"{}")


def test_boto3_bad_signature_and_unknown_key(gw):
    import botocore.exceptions
    bad_secret = gw.lambda_client(secret_key="not-the-secret")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        bad_secret.invoke(FunctionName="echo", Payload=b"{}")
    assert e.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    unknown = gw.lambda_client(access_key="AKIAUNKNOWNKEY000000")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        unknown.invoke(FunctionName="echo", Payload=b"{}")
    assert e.value.response["Error"]["Code"] == "UnrecognizedClientException"


def test_invoke_api_with_bearer_token_and_without_credentials(gw, token):
    path = "/2015-03-31/functions/echo/invocations"
    status, headers, body = gw.request("POST", path, body=b'{"return": 1}', headers=gw.auth(token))
    assert (status, body) == (200, b"1")
    status, headers, body = gw.request("POST", path, body=b"{}")
    assert status == 403 and headers["x-amzn-errortype"] == ["UnrecognizedClientException"]


def test_boto3_payload_too_large(gw):
    client = gw.lambda_client()
    with pytest.raises(client.exceptions.RequestTooLargeException):
        client.invoke(FunctionName="echo", Payload=b"x" * (6 * 1024 * 1024 + 10))


def test_protocol_errors_from_the_server_carry_ids(gw):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", gw.port), timeout=10) as raw:
        with ctx.wrap_socket(raw) as tls:
            tls.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = tls.recv(4096)
                if not chunk:
                    break
                data += chunk
    head = data.split(b"\r\n\r\n")[0].decode().lower()
    assert head.startswith("http/1.1 400")
    assert "x-request-id:" in head and "x-amzn-trace-id: root=1-" in head
