"""Contract §3.6 + §4.3 + §6: a function calls another function through the Gateway's Invoke API with the SDK
defaults the Manager gives it (AWS_ENDPOINT_URL_LAMBDA = GATEWAY_INTERNAL_URL, AWS_ACCESS_KEY_ID /
AWS_SECRET_ACCESS_KEY = WORKER_*), i.e. boto3's own SigV4 from inside a real RIE worker.

The gateway listens on this run's Docker network gateway address (a host address the workers can reach); all
traffic stays on this machine. The caller image is built FROM esb-test/echo with a handler of its own."""
import json
import os
import shutil
import subprocess
import tempfile
import uuid

import pytest

from contract.box import Box, free_port

CALLER = '''
import json
import boto3

def lambda_handler(event, context):
    # no endpoint, no keys, no region in code: all from the environment the Manager set (§4.3)
    client = boto3.client("lambda", verify=False)
    target = event.get("target", "echo")
    resp = client.invoke(FunctionName=target, Payload=json.dumps({"return": {"inner": target}}))
    return {"status": resp["StatusCode"], "function_error": resp.get("FunctionError"),
            "payload": json.loads(resp["Payload"].read())}
'''

FUNCTIONS = """\
functions:
  echo:
    image: "{image}"
  caller:
    image: "%s"
"""


@pytest.fixture(scope="module")
def l2l():
    tag = "esb-contract-%s/caller:latest" % uuid.uuid4().hex[:8]
    ctx = tempfile.mkdtemp(prefix="esb-contract-caller-")
    with open(os.path.join(ctx, "lambda_function.py"), "w") as f:
        f.write(CALLER)
    with open(os.path.join(ctx, "Dockerfile"), "w") as f:
        f.write("FROM esb-test/echo:latest\nCOPY lambda_function.py /var/task/lambda_function.py\n")
    subprocess.run(["docker", "build", "-q", "-t", tag, ctx], capture_output=True, check=True,
                   env=dict(os.environ, DOCKER_BUILDKIT="0"))
    box = Box(functions_yml=FUNCTIONS % tag, routing_yml="routes: []\n")
    try:
        subprocess.run(["docker", "network", "create", "--label", "esb.instance=" + box.instance, box.network],
                       capture_output=True, check=True)
        info = json.loads(subprocess.run(["docker", "network", "inspect", box.network], capture_output=True,
                                         check=True).stdout)[0]
        bridge_ip = info["IPAM"]["Config"][0]["Gateway"]
        port = free_port()
        box.start_manager(GATEWAY_INTERNAL_URL="https://%s:%d" % (bridge_ip, port))
        gw = box.start_gateway(GATEWAY_LISTEN="%s:%d" % (bridge_ip, port))
        yield box, gw
    finally:
        box.close()
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True)
        shutil.rmtree(ctx, ignore_errors=True)


def test_function_invokes_another_function_with_the_box_credentials(l2l):
    box, gw = l2l
    client = gw.lambda_client()
    resp = client.invoke(FunctionName="caller", Payload=json.dumps({"target": "echo"}))
    doc = json.loads(resp["Payload"].read())
    assert resp["StatusCode"] == 200 and "FunctionError" not in resp, doc
    assert doc == {"status": 200, "function_error": None, "payload": {"inner": "echo"}}
    # an unknown target comes back to the caller as ResourceNotFoundException (a function error here)
    resp = client.invoke(FunctionName="caller", Payload=json.dumps({"target": "nope"}))
    doc = json.loads(resp["Payload"].read())
    assert resp.get("FunctionError") == "Unhandled" and "ResourceNotFound" in json.dumps(doc), doc
