import json


def start(event, context):
    return {"statusCode": 202, "body": json.dumps({"handler": "start"})}


def status(event, context):
    return {"statusCode": 200, "body": json.dumps({"handler": "status"})}
