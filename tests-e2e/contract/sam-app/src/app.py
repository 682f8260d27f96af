import json
import os


def handler(event, context):
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({
            "function": context.function_name,
            "stage": os.environ.get("STAGE"),
            "literal": os.environ.get("TEMPLATE_LITERAL"),
            "table": os.environ.get("TABLE"),
            "timeout": os.environ.get("AWS_LAMBDA_FUNCTION_TIMEOUT"),
            "memory": os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"),
            "version": event.get("version", "1.0"),
            "path_parameters": event.get("pathParameters"),
        }),
    }
