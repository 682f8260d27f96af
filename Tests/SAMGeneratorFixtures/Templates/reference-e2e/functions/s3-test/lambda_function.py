"""lambda-s3-test: S3 actions on the box's storage (upstream-behaviour.md §6.2)."""

import datetime
import json

import boto3


def _body(event):
    body = event.get("body")
    if isinstance(body, str):
        try:
            return json.loads(body) if body else {}
        except ValueError:
            return {}
    return body if isinstance(body, dict) else {}


def lambda_handler(event, context):
    if event.get("ping"):
        return {"statusCode": 200, "body": "pong"}
    context_ = event.get("requestContext") or {}
    user = ((context_.get("authorizer") or {}).get("cognito:username")) or "anonymous"
    print(json.dumps({
        "_time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds"),
        "level": "INFO",
        "request_id": context_.get("requestId"),
        "message": "s3 test invoked",
        "function": "lambda-s3-test",
    }))
    body = _body(event)
    action = body.get("action", "test")
    bucket = body.get("bucket", "test-bucket")
    key = body.get("key", "test-key.txt")
    try:
        s3 = boto3.client("s3")
        if action == "test":
            result = {"success": True, "buckets": [b["Name"] for b in s3.list_buckets().get("Buckets", [])]}
        elif action == "put":
            answer = s3.put_object(Bucket=bucket, Key=key, Body=body.get("data", "Hello from Lambda!").encode(),
                                   ContentType="application/octet-stream")
            result = {"success": True, "etag": answer.get("ETag")}
        elif action == "get":
            content = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
            result = {"success": True, "content": content}
        elif action == "list":
            listed = s3.list_objects_v2(Bucket=bucket, Prefix=body.get("prefix", ""))
            result = {"success": True, "keys": [o["Key"] for o in listed.get("Contents", [])]}
        elif action == "create_bucket":
            try:
                s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
                result = {"success": True}
            except s3.exceptions.BucketAlreadyOwnedByYou:
                result = {"success": True, "message": "bucket already exists"}
        else:
            result = {"success": False, "error": "unknown action %s" % action}
        result["user"] = user
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(result)}
    except Exception as error:
        return {"statusCode": 500, "body": json.dumps({"success": False, "error": str(error)})}
