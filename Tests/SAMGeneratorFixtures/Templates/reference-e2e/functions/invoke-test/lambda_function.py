"""lambda-invoke-test: calls another function through the Lambda Invoke API (upstream-behaviour.md §6.2)."""

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
    body = _body(event)
    target = body.get("target")
    if not target:
        return {"statusCode": 400, "body": json.dumps({"error": "Target function name required"})}
    invocation_type = body.get("type", "RequestResponse")
    try:
        answer = boto3.client("lambda").invoke(
            FunctionName=target, InvocationType=invocation_type, Payload=json.dumps(body.get("payload", {})).encode())
        status = answer["StatusCode"]
        result = {"target": target, "type": invocation_type, "status_code": status}
        if invocation_type == "Event":
            result.update(success=status == 202, message="Async invocation started")
        else:
            raw = answer["Payload"].read().decode()
            try:
                decoded = json.loads(raw)
            except ValueError:
                decoded = raw
            result.update(success=status == 200, response=decoded)
        return {"statusCode": 200, "body": json.dumps(result)}
    except Exception as error:
        return {"statusCode": 500, "body": json.dumps({"success": False, "error": str(error)})}
