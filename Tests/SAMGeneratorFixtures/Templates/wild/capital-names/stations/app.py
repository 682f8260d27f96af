def lambda_handler(event, context):
    return ["tokyo", "osaka"]
