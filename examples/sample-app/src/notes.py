"""REST API route (payload format 1.0): GET /api/notes lists the notes, POST /api/notes stores one.

The text of a new note goes through the sample-formatter function first, with boto3's Lambda client: inside the
box its endpoint is the gateway's Invoke API (AWS_ENDPOINT_URL_LAMBDA, set by the manager), as on AWS."""
import json
import os
import time
import uuid

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["NOTES_TABLE"])
LAMBDA = boto3.client("lambda")


def respond(status, body):
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def handler(event, context):
    if event.get("httpMethod") == "POST":
        try:
            text = str(json.loads(event.get("body") or "{}").get("text", ""))
        except ValueError:
            return respond(400, {"error": "the body must be JSON: {\"text\": \"...\"}"})
        result = LAMBDA.invoke(FunctionName=os.environ["FORMATTER_FUNCTION"], Payload=json.dumps({"text": text}))
        formatted = json.loads(result["Payload"].read())
        note = {"id": str(uuid.uuid4()), "text": formatted["text"], "words": formatted["words"],
                "created": int(time.time())}
        TABLE.put_item(Item=note)
        return respond(201, {"note": note, "payload_version": event.get("version", "1.0")})
    notes = TABLE.scan().get("Items", [])
    for note in notes:   # DynamoDB numbers arrive as Decimal
        note["words"], note["created"] = int(note.get("words", 0)), int(note.get("created", 0))
    return respond(200, {"notes": sorted(notes, key=lambda n: n["created"]), "payload_version": event.get("version", "1.0")})
