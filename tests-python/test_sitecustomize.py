"""The Python runtime patch (docs/contract.md §6), run for real in fresh interpreters (see conftest.py)."""

import sys

import pytest

ENDPOINTS = {
    "S3_ENDPOINT": "http://esb-storage:9000",
    "DYNAMODB_ENDPOINT": "http://esb-database:8000",
    "GATEWAY_INTERNAL_URL": "https://esb-gateway:443",
}

# How each public boto3 entry point yields a client, per service.
CLIENT_FACTORIES = {
    "boto3.client": "boto3.client({service!r})",
    "boto3.resource": "boto3.resource({service!r}).meta.client",
    "Session.client": "boto3.session.Session().client({service!r})",
    "Session.resource": "boto3.session.Session().resource({service!r}).meta.client",
    "botocore": "botocore.session.get_session().create_client({service!r})",
}


SERVICES = [("s3", "S3_ENDPOINT"), ("dynamodb", "DYNAMODB_ENDPOINT"), ("lambda", "GATEWAY_INTERNAL_URL")]


@pytest.mark.parametrize(
    "service,variable,factory",
    [
        (service, variable, factory)
        for service, variable in SERVICES
        for factory in sorted(CLIENT_FACTORIES)
        if not (service == "lambda" and factory.endswith("resource"))  # boto3 has no lambda resource
    ],
)
def test_clients_go_to_the_box_endpoints(run_patched, service, variable, factory):
    expression = CLIENT_FACTORIES[factory].format(service=service)
    run = run_patched(
        """
        import boto3, boto3.session, botocore.session
        client = %s
        result(client.meta.endpoint_url)
        """
        % expression,
        **ENDPOINTS,
    )
    assert run.returncode == 0, run.stderr
    assert run.result == ENDPOINTS[variable]


def test_without_the_variables_clients_keep_aws_defaults(run_patched):
    run = run_patched(
        """
        import boto3
        result([boto3.client(s).meta.endpoint_url for s in ("s3", "dynamodb", "lambda")])
        """
    )
    assert run.returncode == 0, run.stderr
    assert run.result == [
        "https://s3.ap-northeast-1.amazonaws.com",
        "https://dynamodb.ap-northeast-1.amazonaws.com",
        "https://lambda.ap-northeast-1.amazonaws.com",
    ]


def test_an_explicit_endpoint_from_the_caller_wins(run_patched):
    run = run_patched(
        """
        import boto3
        result([
            boto3.client("s3", endpoint_url="http://caller:1").meta.endpoint_url,
            boto3.resource("dynamodb", endpoint_url="http://caller:2").meta.client.meta.endpoint_url,
            boto3.session.Session().client("lambda", endpoint_url="http://caller:3").meta.endpoint_url,
        ])
        """,
        **ENDPOINTS,
    )
    assert run.returncode == 0, run.stderr
    assert run.result == ["http://caller:1", "http://caller:2", "http://caller:3"]


def test_other_services_are_untouched(run_patched):
    run = run_patched(
        """
        import boto3
        result(boto3.client("sqs").meta.endpoint_url)
        """,
        **ENDPOINTS,
    )
    assert run.result == "https://sqs.ap-northeast-1.amazonaws.com"


def test_s3_requests_use_path_style_urls_on_the_box_endpoint(run_patched):
    run = run_patched(
        """
        import boto3
        s3 = boto3.client("s3")
        s3.meta.events.register("before-send.s3.ListObjects", answer_locally(
            body=b"<ListBucketResult><Name>photos</Name></ListBucketResult>",
            headers={"Content-Type": "application/xml"}))
        s3.list_objects(Bucket="photos")
        result({"attempts": ATTEMPTS, "signature": s3.meta.config.signature_version})
        """,
        **ENDPOINTS,
    )
    assert run.returncode == 0, run.stderr
    assert run.result["attempts"][0]["url"].startswith("http://esb-storage:9000/photos")
    assert run.result["signature"] == "s3v4"


def test_a_failed_sync_invoke_is_not_retried(run_patched):
    # 503 is retryable for botocore: dynamodb (the control, limited to 3 attempts by the caller to keep the
    # backoff short) retries it; lambda must send exactly one request.
    run = run_patched(
        """
        import boto3, botocore.exceptions
        def attempts(client, event, call):
            ATTEMPTS.clear()
            client.meta.events.register(event, answer_locally(status=503,
                body=b'{"message":"Service Unavailable"}', headers={"x-amzn-ErrorType": "ServiceException"}))
            try:
                call()
            except botocore.exceptions.ClientError:
                pass
            return len(ATTEMPTS)
        lam = boto3.client("lambda")
        from botocore.config import Config
        ddb = boto3.client("dynamodb", config=Config(retries={"total_max_attempts": 3}))
        result({
            "lambda": attempts(lam, "before-send.lambda.Invoke", lambda: lam.invoke(FunctionName="x", Payload=b"{}")),
            "dynamodb": attempts(ddb, "before-send.dynamodb.ListTables", lambda: ddb.list_tables()),
            "lambda_retries": lam.meta.config.retries,
            "read_timeout": lam.meta.config.read_timeout,
        })
        """,
        **ENDPOINTS,
    )
    assert run.returncode == 0, run.stderr
    assert run.result["lambda"] == 1
    assert run.result["dynamodb"] == 3
    assert run.result["lambda_retries"]["total_max_attempts"] == 1
    assert run.result["read_timeout"] >= 900


def test_invoke_goes_to_the_gateway_invoke_api(run_patched):
    run = run_patched(
        """
        import boto3
        lam = boto3.client("lambda")
        lam.meta.events.register("before-send.lambda.Invoke", answer_locally(body=b'{"ok": true}'))
        answer = lam.invoke(FunctionName="lambda-hello", Payload=b"{}")
        result({"url": ATTEMPTS[0]["url"], "payload": answer["Payload"].read().decode()})
        """,
        **ENDPOINTS,
    )
    assert run.returncode == 0, run.stderr
    assert run.result["url"] == "https://esb-gateway:443/2015-03-31/functions/lambda-hello/invocations"
    assert run.result["payload"] == '{"ok": true}'


@pytest.mark.parametrize(
    "ca_bundle,caller_verify,expected",
    [
        (None, None, False),  # self-signed gateway certificate: not verified
        ("/etc/box-ca.pem", None, "/etc/box-ca.pem"),  # a site CA bundle is honoured
        (None, "'/caller/ca.pem'", "/caller/ca.pem"),  # the caller's verify= wins
    ],
)
def test_tls_verification_of_https_box_endpoints(run_patched, ca_bundle, caller_verify, expected):
    verify = "" if caller_verify is None else ", verify=%s" % caller_verify
    run = run_patched(
        """
        import boto3
        lam = boto3.client("lambda"%s)
        result(lam._endpoint.http_session._verify)
        """
        % verify,
        AWS_CA_BUNDLE=ca_bundle,
        **ENDPOINTS,
    )
    assert run.returncode == 0, run.stderr
    assert run.result == expected


def test_the_callers_config_wins_over_the_forced_one(run_patched):
    run = run_patched(
        """
        import boto3
        from botocore.config import Config
        lam = boto3.client("lambda", config=Config(read_timeout=7, retries={"max_attempts": 2}))
        ddb = boto3.client("dynamodb")
        result({"endpoint": lam.meta.endpoint_url, "read_timeout": lam.meta.config.read_timeout,
                "retries": lam.meta.config.retries, "connect_timeout": lam.meta.config.connect_timeout,
                "ddb_retries": ddb.meta.config.retries})
        """,
        **ENDPOINTS,
    )
    assert run.returncode == 0, run.stderr
    assert run.result["endpoint"] == ENDPOINTS["GATEWAY_INTERNAL_URL"]
    assert run.result["read_timeout"] == 7
    assert run.result["retries"]["total_max_attempts"] == 3  # botocore: max_attempts 2 = 2 retries
    assert run.result["ddb_retries"] == {"mode": "standard", "total_max_attempts": 10}
    assert run.result["connect_timeout"] == 5


PUT_LOG_EVENTS = """
import boto3
logs = boto3.client("logs")
logs.create_log_group(logGroupName="/lambda/hello-test")
logs.create_log_stream(logGroupName="/lambda/hello-test", logStreamName="s-1")
answer = logs.put_log_events(logGroupName="/lambda/hello-test", logStreamName="s-1", logEvents=[
    {"timestamp": 1766451723004, "message": "[INFO] started"},
    {"timestamp": 1766451723005, "message": "[DEBUG]   details"},
    {"timestamp": 1766451723006, "message": "[ERROR] disk full"},
    {"timestamp": 1766451723007, "message": "plain success"},
    {"timestamp": 1766451723008, "message": "[warn] careful"},
])
result({"token": answer["nextSequenceToken"], "status": answer["ResponseMetadata"]["HTTPStatusCode"],
        "groups": logs.describe_log_groups()["logGroups"]})
"""


def test_put_log_events_become_json_lines_on_stdout(run_patched):
    run = run_patched(PUT_LOG_EVENTS, LOG_LEVEL="DEBUG", AWS_LAMBDA_FUNCTION_NAME="lambda-hello")
    assert run.returncode == 0, run.stderr
    assert run.result == {"token": "mock-token", "status": 200, "groups": []}
    lines = run.json_lines()
    assert [(line["level"], line["message"]) for line in lines] == [
        ("INFO", "started"),
        ("DEBUG", "details"),
        ("ERROR", "disk full"),
        ("INFO", "plain success"),
        ("WARNING", "careful"),
    ]
    first = lines[0]
    assert first["_time"] == "2025-12-23T01:02:03.004Z"
    assert first["log_group"] == "/lambda/hello-test"
    assert first["log_stream"] == "s-1"
    assert first["function"] == "lambda-hello"
    assert first["logger"] == "boto3.mock"


def test_put_log_events_below_log_level_are_dropped(run_patched):
    run = run_patched(PUT_LOG_EVENTS, LOG_LEVEL="WARNING")
    assert run.returncode == 0, run.stderr
    assert [line["level"] for line in run.json_lines()] == ["ERROR", "WARNING"]
    assert run.json_lines()[0]["function"] == "unknown"


def test_a_logs_client_with_an_explicit_endpoint_is_left_alone(run_patched):
    run = run_patched(
        """
        import boto3
        logs = boto3.client("logs", endpoint_url="http://caller:4")
        logs.meta.events.register("before-send.cloudwatch-logs.PutLogEvents", answer_locally(
            body=b'{"nextSequenceToken": "real"}', headers={"Content-Type": "application/x-amz-json-1.1"}))
        answer = logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[{"timestamp": 1, "message": "m"}])
        result({"token": answer["nextSequenceToken"], "attempts": len(ATTEMPTS)})
        """
    )
    assert run.returncode == 0, run.stderr
    assert run.result == {"token": "real", "attempts": 1}


def test_the_patch_is_silent_and_does_not_import_boto3_eagerly(run_patched):
    run = run_patched(
        """
        import sys, json
        print(json.dumps({"site": sys.modules["sitecustomize"].__file__.endswith("sitecustomize.py"),
                          "boto": "botocore" in sys.modules}))
        """,
        harness=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert run.json_lines() == [{"site": True, "boto": False}]


def test_the_interpreter_starts_without_boto3(run_patched, tmp_path):
    # A venv without site-packages stands in for a Lambda image that ships no boto3.
    import subprocess
    import venv

    env_dir = tmp_path / "bare"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = str(env_dir / "bin" / "python")
    run = run_patched(
        """
        import sys
        try:
            import boto3
            print("boto3 present")
        except ImportError:
            print("no boto3, interpreter fine")
        print("patched" if "sitecustomize" in sys.modules else "not loaded")
        """,
        python=python,
        harness=False,
        **ENDPOINTS,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["no", "boto3,", "interpreter", "fine", "patched"]
    assert run.stderr == ""
