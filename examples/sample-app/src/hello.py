"""HTTP API route (payload format 2.0): GET /api/hello/{name}."""
import json


def handler(event, context):
    name = (event.get("pathParameters") or {}).get("name", "world")
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"message": f"hello, {name}", "payload_version": event.get("version"),
                            "function": context.function_name}),
    }
