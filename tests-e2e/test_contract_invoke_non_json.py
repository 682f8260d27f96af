"""Fixed bug B4: the Invoke API with a payload that is not JSON.

AWS Lambda answers `400` with `x-amzn-ErrorType: InvalidRequestContentException` ("Could not parse request body
into json") before running anything; boto3 raises `InvalidRequestContentException`. The box runs the function and
returns 200 + `X-Amz-Function-Error: Unhandled` with the runtime's `Runtime.UnmarshalError`."""
import pytest


def test_non_json_payload_is_invalid_request_content(contract_gw):
    client = contract_gw.lambda_client()
    with pytest.raises(client.exceptions.InvalidRequestContentException) as e:
        client.invoke(FunctionName="echo", Payload=b"this is not json")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
