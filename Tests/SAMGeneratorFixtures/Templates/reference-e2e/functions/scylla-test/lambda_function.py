"""lambda-scylla-test: a DynamoDB round trip on the box's database (upstream-behaviour.md §6.2)."""

import json
import time
import uuid

import boto3


def lambda_handler(event, context):
    if event.get("ping"):
        return {"statusCode": 200, "body": "pong"}
    try:
        dynamodb = boto3.client("dynamodb")
        try:
            dynamodb.create_table(
                TableName="test_table",
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
        except dynamodb.exceptions.ResourceInUseException:
            pass
        item_id = str(uuid.uuid4())
        dynamodb.put_item(TableName="test_table", Item={
            "id": {"S": item_id},
            "timestamp": {"N": str(int(time.time()))},
            "message": {"S": "Hello from lambda-scylla-test"},
        })
        item = dynamodb.get_item(TableName="test_table", Key={"id": {"S": item_id}}).get("Item")
        return {"statusCode": 200, "body": json.dumps({"success": True, "item_id": item_id, "retrieved_item": item})}
    except Exception as error:
        return {"statusCode": 500, "body": json.dumps({"success": False, "error": str(error)})}
