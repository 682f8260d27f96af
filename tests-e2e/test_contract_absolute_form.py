"""Fixed bug B5: RFC 9112 §3.2.2 — "a server MUST accept the absolute-form in requests".

`GET https://localhost/health HTTP/1.1` is answered 401 (the whole URL is taken as the path) instead of the
/health answer."""
from contract.box import exchange


def test_absolute_form_request_target_is_accepted(contract_gw):
    responses, _, raw = exchange(contract_gw, b"GET https://localhost/health HTTP/1.1\r\nHost: localhost\r\n"
                                              b"Connection: close\r\n\r\n", timeout=5)
    assert responses and responses[0][0] == 200, raw[:200]
