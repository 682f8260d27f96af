"""esb provision against moto (stand-in for RustFS and ScyllaDB Alternator, whose images cannot be pulled here),
and the SigV4 signatures of its requests checked with botocore, the way RustFS checks them.

Needs: the esb binary (swift build --product esb; ESB_BIN overrides), moto[server] and boto3 (pip).
"""

import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from contract.box import esb_binary, free_port

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "Tests" / "SAMGeneratorFixtures" / "Templates"
KEY, SECRET = "esb-test-key", "esb-test-secret"


def esb(args, cwd, env):
    return subprocess.run([esb_binary()] + args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def project(tmp_path):
    """The shop template generated into tmp/out: 3 tables (one with a GSI, one provisioned) and 2 buckets."""
    shutil.copytree(TEMPLATES / "shop", tmp_path / "shop")
    generated = esb(["generate", "--template", "shop/template.yaml", "--output", "out"], tmp_path, os.environ.copy())
    assert generated.returncode == 0, generated.stderr
    return tmp_path


def environment(endpoint, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(DYNAMODB_ENDPOINT=endpoint, S3_ENDPOINT=endpoint, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET,
               AWS_REGION="ap-northeast-1")
    env.update(extra)
    return env


@pytest.fixture
def moto():
    port = free_port()
    command = [shutil.which("moto_server") or sys.executable, "-H", "127.0.0.1", "-p", str(port)]
    if not shutil.which("moto_server"):
        command[1:1] = ["-m", "moto.server"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = "http://127.0.0.1:%d" % port
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).read()
            break
        except OSError:
            if process.poll() is not None or time.time() > deadline:
                process.kill()
                pytest.fail("moto_server did not start (pip install 'moto[server]')")
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(10)


def test_provision_creates_the_tables_and_buckets_and_a_second_run_changes_nothing(project, moto):
    env = environment(moto)
    first = esb(["provision", "--config", "out"], project, env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.splitlines() == [
        "table products-table: created",
        "table shop-carts-dev: created",
        "table shop-orders-dev: created",
        "bucket archive-bucket: created",
        "bucket shop-receipts-dev-000000000000: created",
        "provisioned 3 table(s) and 2 bucket(s)",
    ]
    second = esb(["provision", "--config", "out"], project, env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert [line.split(": ")[1] for line in second.stdout.splitlines()[:5]] == ["already exists"] * 5

    session = dict(endpoint_url=moto, region_name="ap-northeast-1", aws_access_key_id=KEY, aws_secret_access_key=SECRET)
    dynamodb = boto3.client("dynamodb", **session)
    orders = dynamodb.describe_table(TableName="shop-orders-dev")["Table"]
    assert orders["KeySchema"] == [{"AttributeName": "orderId", "KeyType": "HASH"}]
    assert orders["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    index = orders["GlobalSecondaryIndexes"][0]
    assert index["IndexName"] == "by-customer"
    assert index["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total", "status"]}
    carts = dynamodb.describe_table(TableName="shop-carts-dev")["Table"]
    assert (carts["ProvisionedThroughput"]["ReadCapacityUnits"], carts["ProvisionedThroughput"]["WriteCapacityUnits"]) == (5, 2)
    s3 = boto3.client("s3", **session)
    assert sorted(b["Name"] for b in s3.list_buckets()["Buckets"]) == ["archive-bucket", "shop-receipts-dev-000000000000"]
    assert s3.get_bucket_location(Bucket="archive-bucket")["LocationConstraint"] == "ap-northeast-1"


class SignatureCheckingServer(http.server.ThreadingHTTPServer):
    """Stands in for RustFS and Alternator's signature checks: each request's SigV4 signature is recomputed with
    botocore from the headers it says it signed; then it answers like the real API (created, then exists)."""

    def __init__(self, secret):
        self.secret = secret
        self.seen = []  # (method, path, service, signature_ok)
        self.created = set()
        super().__init__(("127.0.0.1", 0), SignatureCheckingHandler)


class SignatureCheckingHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _signature_ok(self, body):
        authorization = self.headers["Authorization"] or ""
        try:
            scope = authorization.split("Credential=")[1].split(",")[0]
            key, _, region, service, _ = scope.split("/")
            signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
            signature = authorization.split("Signature=")[1].strip()
        except IndexError:
            return None, False
        headers = {name: value for name, value in self.headers.items() if name.lower() in signed}
        request = AWSRequest(method=self.command, url="http://%s%s" % (self.headers["Host"], self.path), data=body,
                             headers=headers)
        request.context["timestamp"] = self.headers["X-Amz-Date"]
        auth = (S3SigV4Auth if service == "s3" else SigV4Auth)(Credentials(key, self.server.secret), service, region)
        expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
        return service, expected == signature

    def _answer(self, status, body, content_type):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        service, ok = self._signature_ok(body)
        self.server.seen.append((self.command, self.path, service, ok))
        name = json.loads(body)["TableName"]
        if name in self.server.created:
            self._answer(400, json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#ResourceInUseException",
                                          "message": "Table already exists: " + name}), "application/x-amz-json-1.0")
        else:
            self.server.created.add(name)
            self._answer(200, json.dumps({"TableDescription": {"TableName": name}}), "application/x-amz-json-1.0")

    def do_PUT(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        service, ok = self._signature_ok(body)
        self.server.seen.append((self.command, self.path, service, ok))
        if self.path in self.server.created:
            self._answer(409, "<Error><Code>BucketAlreadyOwnedByYou</Code><Message>yours</Message></Error>",
                         "application/xml")
        else:
            self.server.created.add(self.path)
            self._answer(200, "", "application/xml")


@pytest.mark.parametrize("server_secret,expect_ok", [(SECRET, True), ("another-secret", False)])
def test_requests_are_signed_as_botocore_signs_them(project, server_secret, expect_ok):
    # The second case proves the check itself: with the wrong secret every signature must fail.
    server = SignatureCheckingServer(server_secret)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = "http://127.0.0.1:%d" % server.server_address[1]
        for _ in range(2):
            ran = esb(["provision", "--config", "out"], project, environment(endpoint))
            assert ran.returncode == 0, ran.stdout + ran.stderr
    finally:
        server.shutdown()
    assert len(server.seen) == 10
    assert {(method, service) for method, _, service, _ in server.seen} == {("POST", "dynamodb"), ("PUT", "s3")}
    assert all(ok == expect_ok for _, _, _, ok in server.seen), server.seen


def test_missing_settings_and_failures_are_reported(project, moto):
    no_endpoint = environment(moto)
    del no_endpoint["DYNAMODB_ENDPOINT"]
    ran = esb(["provision", "--config", "out"], project, no_endpoint)
    assert ran.returncode == 1
    assert ran.stderr.strip() == "error: DYNAMODB_ENDPOINT is not set (for example http://127.0.0.1:8001)"

    no_key = environment(moto)
    del no_key["AWS_SECRET_ACCESS_KEY"]
    ran = esb(["provision", "--config", "out"], project, no_key)
    assert ran.returncode == 1
    assert "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set" in ran.stderr

    unreachable = environment("http://127.0.0.1:%d" % free_port())
    ran = esb(["provision", "--config", "out"], project, unreachable)
    assert ran.returncode == 1
    assert all(": FAILED: " in line for line in ran.stdout.splitlines()), ran.stdout
    assert ran.stderr.strip() == "error: 5 of 5 resource(s) failed"
