"""Fixed bug B7: an event over Lambda's 6 MiB invocation limit.

A 5 MiB binary upload (under MAX_BODY_BYTES) becomes a ~7 MiB event (base64, §3.4). The box sends it to the RIE,
which truncates it at 6 MiB: the runtime fails with `Runtime.UnmarshalError` and the client gets 502. AWS answers
413 when the Lambda request payload limit is exceeded; the box should say so before invoking."""
import json
import os


def test_binary_body_whose_event_exceeds_6_mib_is_413(contract_gw):
    status, headers, body = contract_gw.request("POST", "/open", body=os.urandom(5 * 1024 * 1024),
                                                headers={"Content-Type": "application/octet-stream"})
    assert status == 413 and json.loads(body) == {"message": "Request Entity Too Large"}, (status, body[:200])


def test_binary_body_whose_event_fits_is_served(contract_gw):
    raw = os.urandom(4 * 1024 * 1024)
    status, _, body = contract_gw.request("POST", "/open", body=raw,
                                          headers={"Content-Type": "application/octet-stream"})
    assert status == 200 and json.loads(body)["event"]["isBase64Encoded"] is True
