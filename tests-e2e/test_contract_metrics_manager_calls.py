"""Fixed bug B6: §3.9 lists "Manager calls" among the metrics; `esb_gateway_manager_calls_total` is
declared (HELP/TYPE) but never has a sample, even after cold starts and heartbeats."""
import json


def test_manager_calls_are_counted(contract_gw):
    # a cold start on a function nobody used yet calls POST /v1/functions/{name}/workers
    assert contract_gw.request("POST", "/drain", body=json.dumps({"return": {"statusCode": 200, "body": "x"}}))[0] == 200
    status, text = contract_gw.metrics()
    samples = [line for line in text.splitlines() if line.startswith("esb_gateway_manager_calls_total")]
    assert samples, "no esb_gateway_manager_calls_total sample"
    assert sum(float(line.rsplit(" ", 1)[1]) for line in samples) >= 1
