#!/usr/bin/env python3
"""Generates sigv4-vectors.json: SigV4-signed requests exactly as boto3/botocore send them, with botocore's
canonical request, string to sign and Authorization header, as the oracle for BoxCore's SigV4 tests.

Run from this folder: python3 make_vectors.py > sigv4-vectors.json
(needs boto3; nothing goes on the network: requests are captured before sending)

Each case is made by a real boto3 client (lambda, s3, dynamodb) against a loopback endpoint; a before-send hook
captures the prepared request and stops it. The clock is pinned so the output is deterministic.
"""
import base64
import datetime
import json
import sys
from unittest import mock
from urllib.parse import urlsplit

import boto3
import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCESS_KEY = "AKIAESBTESTKEY000001"
SECRET_KEY = "esb/secret+key=0123456789abcdefghijklmnopqr"
REGION = "ap-northeast-1"
FIXED = datetime.datetime(2026, 11, 29, 4, 5, 6)


class Captured(Exception):
    pass


def capture(service, endpoint, call):
    """Runs `call(client)` and returns the prepared request boto3 would have sent."""
    client = boto3.client(
        service, endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=botocore.config.Config(retries={"max_attempts": 0}, s3={"addressing_style": "path"},
                                      request_checksum_calculation="when_required"),
    )
    box = {}

    def hook(request, **kwargs):
        box["request"] = request
        raise Captured()

    client.meta.events.register("before-send", hook)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=FIXED):
        try:
            call(client)
        except Captured:
            pass
    return box["request"]


def describe(name, service, prepared, note):
    split = urlsplit(prepared.url)
    host = botocore.auth._host_from_url(prepared.url)
    headers = [["Host", host]] + [[k, v if isinstance(v, str) else v.decode()] for k, v in prepared.headers.items()]
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    if hasattr(body, "read"):
        body = body.read()
    # Recompute botocore's intermediate strings for the same request (same clock, same headers).
    plain = {k: v if isinstance(v, str) else v.decode() for k, v in prepared.headers.items()}
    # botocore signed only the headers present when it signed (others, like Content-Length and amz-sdk-*, are
    # added afterwards): rebuild the request with exactly the signed ones to print its intermediate strings.
    signed = plain["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    req = AWSRequest(method=prepared.method, url=prepared.url, data=body,
                     headers={k: v for k, v in plain.items() if k.lower() in signed and k.lower() != "host"})
    creds = Credentials(ACCESS_KEY, SECRET_KEY)
    auth_cls = botocore.auth.S3SigV4Auth if service == "s3" else botocore.auth.SigV4Auth
    auth = auth_cls(creds, service, REGION)
    req.context["timestamp"] = FIXED.strftime(botocore.auth.SIGV4_TIMESTAMP)
    canonical = auth.canonical_request(req)
    sts = auth.string_to_sign(req, canonical)
    signature = auth.signature(sts, req)
    authorization = plain["Authorization"]
    assert authorization.endswith("Signature=" + signature), (name, authorization, signature)
    return {
        "name": name, "note": note, "service": service, "region": REGION,
        "accessKeyId": ACCESS_KEY, "secretAccessKey": SECRET_KEY,
        "amzDate": FIXED.strftime("%Y%m%dT%H%M%SZ"), "epochSeconds": int(FIXED.replace(tzinfo=datetime.timezone.utc).timestamp()),
        "method": prepared.method, "path": split.path, "query": split.query,
        "headers": headers, "bodyBase64": base64.b64encode(body).decode(),
        "canonicalRequest": canonical, "stringToSign": sts, "authorization": authorization,
    }


def aws_suite_case(name, method, path, query, headers, body=b""):
    """A case of AWS's published SigV4 test suite (credentials AKIDEXAMPLE, service "service")."""
    url = "https://example.amazonaws.com" + path + ("?" + query if query else "")
    req = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
    req.context["timestamp"] = "20150830T123600Z"
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    auth = botocore.auth.SigV4Auth(creds, "service", "us-east-1")
    canonical = auth.canonical_request(req)
    sts = auth.string_to_sign(req, canonical)
    sig = auth.signature(sts, req)
    return {
        "name": name, "note": "AWS SigV4 test suite", "service": "service", "region": "us-east-1",
        "accessKeyId": "AKIDEXAMPLE", "secretAccessKey": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "amzDate": "20150830T123600Z", "epochSeconds": 1440938160, "method": method, "path": path, "query": query,
        "headers": [["Host", "example.amazonaws.com"]] + [[k, v] for k, v in headers],
        "bodyBase64": base64.b64encode(body).decode(), "canonicalRequest": canonical, "stringToSign": sts,
        "authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        f"SignedHeaders={auth.signed_headers(auth.headers_to_sign(req))}, Signature={sig}",
    }


def main():
    gw = "https://localhost:8443"
    lam = lambda call: capture("lambda", gw, call)
    arn = "arn:aws:lambda:ap-northeast-1:000000000000:function:my-func"
    cases = [
        describe("lambda-invoke-name", "lambda", lam(lambda c: c.invoke(FunctionName="my-func", Payload=b'{"a":1}')),
                 "plain function name"),
        describe("lambda-invoke-qualifier", "lambda",
                 lam(lambda c: c.invoke(FunctionName="my-func:$LATEST", Payload=b'{}')),
                 "name:$LATEST percent-encoded in the path, double-encoded in the canonical URI"),
        describe("lambda-invoke-qualifier-param", "lambda",
                 lam(lambda c: c.invoke(FunctionName="my-func", Qualifier="$LATEST", Payload=b'{"q":true}')),
                 "?Qualifier=%24LATEST"),
        describe("lambda-invoke-arn", "lambda", lam(lambda c: c.invoke(FunctionName=arn, Payload=b'[]')),
                 "full ARN"),
        describe("lambda-invoke-partial-arn", "lambda",
                 lam(lambda c: c.invoke(FunctionName="000000000000:function:my-func", Payload=b'null')),
                 "partial ARN"),
        describe("lambda-invoke-event", "lambda",
                 lam(lambda c: c.invoke(FunctionName="my-func", InvocationType="Event", Payload=b'{"x":"\xc3\xa9"}')),
                 "X-Amz-Invocation-Type: Event is signed"),
        describe("lambda-invoke-empty", "lambda", lam(lambda c: c.invoke(FunctionName="my-func")),
                 "no payload: hash of the empty body"),
        describe("lambda-list-functions", "lambda",
                 lam(lambda c: c.list_functions(MaxItems=10, Marker="a b/c")), "GET with a query string"),
        describe("s3-put-object", "s3",
                 capture("s3", "http://127.0.0.1:9000",
                         lambda c: c.put_object(Bucket="thumbnails-dev", Key="dir/a b+c.txt", Body=b"hello")),
                 "S3: single-encoded path, x-amz-content-sha256"),
        describe("s3-create-bucket", "s3",
                 capture("s3", "http://127.0.0.1:9000", lambda c: c.create_bucket(
                     Bucket="thumbnails-dev",
                     CreateBucketConfiguration={"LocationConstraint": REGION})),
                 "S3 bucket creation"),
        describe("s3-head-bucket", "s3",
                 capture("s3", "http://127.0.0.1:9000", lambda c: c.head_bucket(Bucket="thumbnails-dev")),
                 "S3 HEAD without body"),
        describe("dynamodb-create-table", "dynamodb",
                 capture("dynamodb", "http://127.0.0.1:8001", lambda c: c.create_table(
                     TableName="items-dev", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")),
                 "DynamoDB JSON protocol with X-Amz-Target"),
        aws_suite_case("get-vanilla", "GET", "/", "", [("X-Amz-Date", "20150830T123600Z")]),
        aws_suite_case("get-vanilla-query-order-key-case", "GET", "/", "Param2=value2&Param1=value1",
                       [("X-Amz-Date", "20150830T123600Z")]),
        aws_suite_case("post-vanilla", "POST", "/", "", [("X-Amz-Date", "20150830T123600Z")]),
        aws_suite_case("get-header-value-trim", "GET", "/", "",
                       [("X-Amz-Date", "20150830T123600Z"), ("My-Header1", " value1"), ("My-Header2", ' "a   b   c"')]),
        aws_suite_case("post-x-www-form-urlencoded", "POST", "/", "",
                       [("X-Amz-Date", "20150830T123600Z"), ("Content-Type", "application/x-www-form-urlencoded")],
                       b"Param1=value1"),
    ]
    json.dump({"generator": "make_vectors.py", "botocore": botocore.__version__, "cases": cases}, sys.stdout,
              indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
