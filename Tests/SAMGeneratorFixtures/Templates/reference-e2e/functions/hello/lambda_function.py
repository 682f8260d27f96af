"""lambda-hello: greets the caller; with {"action": "test_cloudwatch"} writes CloudWatch Logs events, which the
box's runtime patch turns into JSON lines on stdout (upstream-behaviour.md §6.2)."""

import json
import time

import boto3


def _body(event):
    body = event.get("body") if isinstance(event, dict) else None
    if isinstance(body, str):
        try:
            return json.loads(body) if body else {}
        except ValueError:
            return {}
    return body if isinstance(body, dict) else {}


def lambda_handler(event, context):
    if isinstance(event, dict) and event.get("ping"):
        return {"statusCode": 200, "body": "pong"}
    body = _body(event)
    if body.get("action") == "test_cloudwatch":
        group = "/lambda/hello-test"
        stream = "test-stream-%d" % int(time.time())
        try:
            logs = boto3.client("logs")
            for call in (lambda: logs.create_log_group(logGroupName=group),
                         lambda: logs.create_log_stream(logGroupName=group, logStreamName=stream)):
                try:
                    call()
                except Exception:
                    pass
            now = int(time.time() * 1000)
            logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[
                {"timestamp": now, "message": "[INFO] CloudWatch Logs test started"},
                {"timestamp": now + 1, "message": "[DEBUG] details of the test"},
                {"timestamp": now + 2, "message": "[ERROR] a test error line"},
                {"timestamp": now + 3, "message": "CloudWatch Logs test finished successfully"},
            ])
            result = {"success": True, "action": "test_cloudwatch", "log_stream": stream, "log_group": group}
            return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(result)}
        except Exception as error:  # the fixture reports failures in its body
            return {"statusCode": 500, "body": json.dumps({"success": False, "error": str(error)})}
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    user = authorizer.get("cognito:username") or "anonymous"
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"message": "Hello, %s!" % user, "event": event, "function": "hello"}),
    }
