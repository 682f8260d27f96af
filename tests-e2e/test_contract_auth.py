"""Contract §3.3 (login, tokens) and §3.2 (JWT before routing), with http.client over TLS against the real
esb-gateway (the default gateway of the session: see contract/fixtures.py)."""
import base64
import json
import time

import pytest

from contract.box import b64url, make_jwt
from contract.fixtures import side_gateway

LOGIN_PATHS = ["/user/auth/ver1.0", "/user/auth/v1"]
UNAUTHORIZED = {"message": "Unauthorized"}


def login(gw, path="/user/auth/ver1.0", api_key="GOOD", body="GOOD", headers=None):
    hdrs = dict(headers or {})
    if api_key is not None:
        hdrs["x-api-key"] = gw.api_key if api_key == "GOOD" else api_key
    if body == "GOOD":
        body = json.dumps({"AuthParameters": {"USERNAME": gw.user, "PASSWORD": gw.password}})
    hdrs.setdefault("Content-Type", "application/json")
    return gw.request("POST", path, body=body, headers=hdrs)


def claims_of(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@pytest.mark.parametrize("path", LOGIN_PATHS)
def test_login_success_shape(contract_gw, path):
    status, headers, body = login(contract_gw, path)
    assert status == 200, body
    assert headers.get("padma_user_authorized") == ["true"]
    doc = json.loads(body)
    result = doc["AuthenticationResult"]
    assert result["ExpiresIn"] == 3000 and result["TokenType"] == "Bearer"
    header = json.loads(base64.urlsafe_b64decode(result["IdToken"].split(".")[0] + "=="))
    assert header["alg"] == "HS256"
    claims = claims_of(result["IdToken"])
    assert claims["sub"] == contract_gw.user
    assert claims["exp"] - claims["iat"] == 3000
    assert abs(claims["iat"] - time.time()) < 30
    assert headers["content-type"][0].startswith("application/json")


@pytest.mark.parametrize("path", LOGIN_PATHS)
@pytest.mark.parametrize("api_key", [None, "wrong-key", ""])
def test_login_wrong_or_missing_api_key_is_401_without_padma_header(contract_gw, path, api_key):
    status, headers, body = login(contract_gw, path, api_key=api_key)
    assert status == 401 and json.loads(body) == UNAUTHORIZED
    assert "padma_user_authorized" not in headers


def test_api_key_is_checked_before_the_body(contract_gw):
    status, headers, body = login(contract_gw, api_key="wrong", body="{not json")
    assert status == 401 and "padma_user_authorized" not in headers


@pytest.mark.parametrize("body", [
    "{not json", "", "[]", "{}", '{"AuthParameters": {}}', '{"AuthParameters": {"USERNAME": "u"}}',
    '{"AuthParameters": "x"}', '{"AuthParameters": {"USERNAME": 1, "PASSWORD": 2}}',
])
def test_login_malformed_body_is_400(contract_gw, body):
    status, headers, data = login(contract_gw, body=body)
    assert status == 400 and json.loads(data) == {"message": "Bad Request"}, data


@pytest.mark.parametrize("user,password", [("contract-user", "wrong"), ("other", "GOOD"), ("CONTRACT-USER", "GOOD")])
def test_login_wrong_credentials_is_401_with_padma_header(contract_gw, user, password):
    body = json.dumps({"AuthParameters": {"USERNAME": user,
                                          "PASSWORD": contract_gw.password if password == "GOOD" else password}})
    status, headers, data = login(contract_gw, body=body)
    assert status == 401 and json.loads(data) == UNAUTHORIZED
    assert headers.get("padma_user_authorized") == ["true"]


def test_issued_token_opens_a_jwt_route(contract_gw, contract_token):
    status, _, body = contract_gw.request("GET", "/echo", headers={"Authorization": "Bearer " + contract_token})
    assert status == 200, body


# --- token verification ---------------------------------------------------------------------------------------

def now():
    return int(time.time())


def good_claims(**over):
    c = {"sub": "alice", "iat": now(), "exp": now() + 600}
    c.update(over)
    return {k: v for k, v in c.items() if v is not None}


REJECTED = {
    "alg none": lambda gw: make_jwt(good_claims(), gw.jwt_key, alg="none"),
    "alg none with HS256 signature": lambda gw: make_jwt(good_claims(), gw.jwt_key,
                                                         header={"alg": "none", "typ": "JWT"}),
    "alg HS512 header": lambda gw: make_jwt(good_claims(), gw.jwt_key, header={"alg": "HS512", "typ": "JWT"}),
    "wrong key": lambda gw: make_jwt(good_claims(), "x" * 48),
    "tampered payload": lambda gw: tamper(make_jwt(good_claims(), gw.jwt_key)),
    "expired beyond leeway": lambda gw: make_jwt(good_claims(iat=now() - 600, exp=now() - 45), gw.jwt_key),
    "no exp": lambda gw: make_jwt(good_claims(exp=None), gw.jwt_key),
    "iat far in future": lambda gw: make_jwt(good_claims(iat=now() + 300, exp=now() + 900), gw.jwt_key),
    "nbf in future": lambda gw: make_jwt(good_claims(nbf=now() + 300), gw.jwt_key),
    "missing sub": lambda gw: make_jwt(good_claims(sub=None), gw.jwt_key),
    "empty sub": lambda gw: make_jwt(good_claims(sub=""), gw.jwt_key),
    "over 8 KiB": lambda gw: make_jwt(good_claims(pad="p" * 8300), gw.jwt_key),
    "garbage": lambda gw: "not.a.jwt",
    "two parts": lambda gw: ".".join(make_jwt(good_claims(), gw.jwt_key).split(".")[:2]),
    "signature stripped": lambda gw: make_jwt(good_claims(), gw.jwt_key).rsplit(".", 1)[0] + ".",
}


def tamper(token):
    head, body, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["sub"] = "mallory"
    return "%s.%s.%s" % (head, b64url(json.dumps(claims).encode()), sig)


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_bad_tokens_are_401(contract_gw, case):
    token = REJECTED[case](contract_gw)
    status, headers, body = contract_gw.request("GET", "/echo", headers={"Authorization": "Bearer " + token})
    assert status == 401 and json.loads(body) == UNAUTHORIZED, (case, status, body)
    assert headers.get("x-request-id") and headers.get("x-amzn-trace-id")


ACCEPTED = {
    "fresh": lambda gw: make_jwt(good_claims(), gw.jwt_key),
    "expired within 30 s leeway": lambda gw: make_jwt(good_claims(iat=now() - 600, exp=now() - 10), gw.jwt_key),
    "iat 30 s ahead": lambda gw: make_jwt(good_claims(iat=now() + 30), gw.jwt_key),
    "nbf in the past": lambda gw: make_jwt(good_claims(nbf=now() - 5), gw.jwt_key),
    "extra claims": lambda gw: make_jwt(good_claims(iss="someone", jti="x", aud="y"), gw.jwt_key),
    "just under 8 KiB": lambda gw: make_jwt(good_claims(pad="p" * 5800), gw.jwt_key),
}


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_good_tokens_are_accepted(contract_gw, case):
    token = ACCEPTED[case](contract_gw)
    assert len(token) <= 8192
    status, _, body = contract_gw.request("GET", "/echo", headers={"Authorization": "Bearer " + token})
    assert status == 200, (case, body)


@pytest.mark.parametrize("form", ["Bearer %s", "bearer %s", "BEARER %s", "BeArEr %s", "%s"])
def test_authorization_scheme_case_insensitive_and_bare_token(contract_gw, contract_token, form):
    status, _, body = contract_gw.request("GET", "/echo", headers={"Authorization": form % contract_token})
    assert status == 200, (form, body)


@pytest.mark.parametrize("value", ["Basic %s", "Token %s", "Bearer", "", "Bearer  "])
def test_other_schemes_and_empty_values_are_401(contract_gw, contract_token, value):
    status, _, body = contract_gw.request("GET", "/echo", headers={"Authorization": value.replace("%s",
                                                                                                 contract_token)})
    assert status == 401 and json.loads(body) == UNAUTHORIZED


def test_token_signed_by_another_gateway_is_refused(contract_gw):
    # another gateway has its own JWT_SECRET_KEY: its tokens are worthless here
    with side_gateway() as other:
        token = other.login()
    status, _, _ = contract_gw.request("GET", "/echo", headers={"Authorization": "Bearer " + token})
    assert status == 401


def test_authorizer_claims_carry_the_token_subject(contract_gw, contract_token):
    status, _, body = contract_gw.request("GET", "/echo", headers={"Authorization": "Bearer " + contract_token})
    event = json.loads(body)["event"]
    claims = event["requestContext"]["authorizer"]["claims"]
    assert claims["sub"] == contract_gw.user
    assert claims["cognito:username"] == contract_gw.user and claims["username"] == contract_gw.user
    assert event["requestContext"]["authorizer"]["cognito:username"] == contract_gw.user
