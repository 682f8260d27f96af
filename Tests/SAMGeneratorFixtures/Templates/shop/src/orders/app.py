import json
import os

import requests  # from requirements.txt, installed by esb build
import shoplib  # from the CommonLayer (BuildMethod python3.11), under /opt/python
import simplejson  # the layer's own requirement


def handler(event, context):
    return {
        "statusCode": 200,
        "body": json.dumps({
            "table": os.environ.get("TABLE_NAME"),
            "requests": requests.__version__,
            "simplejson": simplejson.__version__,
            "total": shoplib.money(1234),
        }),
    }
