import BoxCore
import BoxCrypto
import Testing

let jwtSecret = Array("0123456789abcdef0123456789abcdef".utf8)
let jwtNow = 1_766_450_400

/// Builds a token from raw header and payload JSON, signed with HS256 (or with `signature` when given):
/// the forger an attacker would write, to feed the verifier shapes `JWT.sign` never produces.
func forge(header: String, payload: String, secret: [UInt8] = jwtSecret, signature: String? = nil) -> String {
    let signingInput = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
    let mac = signature ?? Base64URL.encode(HMACSHA256.authenticationCode(key: secret, message: signingInput))
    return signingInput + "." + mac
}

let hs256Header = #"{"alg":"HS256","typ":"JWT"}"#

@Test func signMatchesAnIndependentImplementation() {
    // Python: base64url(hmac.new(secret, h + "." + p, sha256)) over the same header and payload.
    let token = JWT.issue(subject: "alice", now: jwtNow, lifetimeSeconds: 3000, secret: jwtSecret)
    #expect(
        token
            == "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImlhdCI6MTc2NjQ1MDQwMCwiZXhwIjoxNzY2NDUzNDAwfQ"
            + ".Np8M31K4wV2FSARCRKdQan2Ze4AnIKyr8bXPs9ccnTg")
    let claims = try? JWT.verify(token, secret: jwtSecret, now: jwtNow)
    #expect(claims?.subject == "alice")
    #expect(claims?.issuedAt == jwtNow)
    #expect(claims?.expiresAt == jwtNow + 3000)
}

@Test func rfc7515AppendixA1SignatureVerifies() {
    // RFC 7515 A.1: HS256 example. It has no `sub`, so passing the signature check ends at missingSubject.
    let key = Base64URL.decode(
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow")!
    let token =
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
        + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
        + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    #expect(throws: JWTError.missingSubject) { try JWT.verify(token, secret: key, now: 1_300_819_000) }
    #expect(throws: JWTError.badSignature) { try JWT.verify(token, secret: jwtSecret, now: 1_300_819_000) }
}

@Test func issuerAndTokenIDRoundTrip() throws {
    let claims = JWTClaims(
        subject: "bob", issuedAt: jwtNow, expiresAt: jwtNow + 60, notBefore: jwtNow, issuer: "esb", tokenID: "j-1")
    let token = JWT.sign(claims, secret: jwtSecret)
    let back = try JWT.verify(token, secret: jwtSecret, now: jwtNow)
    #expect(back.subject == "bob" && back.issuer == "esb" && back.tokenID == "j-1" && back.notBefore == jwtNow)
    let payload = try #require(Base64URL.decode(token.split(separator: ".")[1].utf8))
    #expect(try JSONValue(parsing: payload).objectValue?.keys == ["sub", "iat", "exp", "nbf", "iss", "jti"])
}

/// Every refusal, with the case that names it.
@Test(
    arguments: [
        // alg
        (
            forge(header: #"{"alg":"none","typ":"JWT"}"#, payload: #"{"sub":"a","exp":1766453400}"#, signature: ""),
            JWTError.unsupportedAlgorithm("none")
        ),
        (
            forge(header: #"{"alg":"none"}"#, payload: #"{"sub":"a","exp":1766453400}"#),
            .unsupportedAlgorithm("none")
        ),
        (forge(header: #"{"alg":"HS512"}"#, payload: #"{"sub":"a","exp":1766453400}"#), .unsupportedAlgorithm("HS512")),
        (forge(header: #"{"alg":"hs256"}"#, payload: #"{"sub":"a","exp":1766453400}"#), .unsupportedAlgorithm("hs256")),
        (forge(header: #"{"typ":"JWT"}"#, payload: #"{"sub":"a","exp":1766453400}"#), .unsupportedAlgorithm(nil)),
        (forge(header: #"{"alg":256}"#, payload: #"{"sub":"a","exp":1766453400}"#), .unsupportedAlgorithm("256")),
        (
            forge(header: #"{"alg":"HS256","crit":["b64"]}"#, payload: #"{"sub":"a","exp":1766453400}"#),
            .unsupportedCriticalHeader
        ),
        // signature
        (
            forge(
                header: hs256Header, payload: #"{"sub":"a","exp":1766453400}"#,
                secret: Array("another-secret-another-secret-xx".utf8)),
            .badSignature
        ),
        (forge(header: hs256Header, payload: #"{"sub":"a","exp":1766453400}"#, signature: ""), .badSignature),
        (forge(header: hs256Header, payload: #"{"sub":"a","exp":1766453400}"#, signature: "AAAA"), .badSignature),
        // claims
        (forge(header: hs256Header, payload: #"{"sub":"a"}"#), .missingExpiry),
        (forge(header: hs256Header, payload: #"{"sub":"a","exp":null}"#), .missingExpiry),
        (forge(header: hs256Header, payload: #"{"sub":"a","exp":"1766453400"}"#), .invalidClaim("exp")),
        (forge(header: hs256Header, payload: #"{"sub":"a","exp":true}"#), .invalidClaim("exp")),
        (forge(header: hs256Header, payload: #"{"sub":"a","exp":1766450370}"#), .expired),  // now - 30
        (forge(header: hs256Header, payload: #"{"sub":"a","exp":1766453400,"nbf":1766450431}"#), .notYetValid),
        (forge(header: hs256Header, payload: #"{"sub":"a","exp":1766453400,"iat":1766450461}"#), .issuedInFuture),
        (forge(header: hs256Header, payload: #"{"sub":"a","exp":1766453400,"iat":"x"}"#), .invalidClaim("iat")),
        (forge(header: hs256Header, payload: #"{"exp":1766453400}"#), .missingSubject),
        (forge(header: hs256Header, payload: #"{"sub":"","exp":1766453400}"#), .missingSubject),
        (forge(header: hs256Header, payload: #"{"sub":42,"exp":1766453400}"#), .missingSubject),
        (forge(header: hs256Header, payload: #"{"sub":"a","exp":1766453400,"iss":7}"#), .invalidClaim("iss")),
        // JSON and base64url
        (forge(header: hs256Header, payload: #"["sub","exp"]"#), .invalidJSON),
        (forge(header: hs256Header, payload: #"{"sub":"a","exp":1766453400"#), .invalidJSON),
        (forge(header: "\"HS256\"", payload: #"{"sub":"a","exp":1766453400}"#), .invalidJSON),
        ("eyJhbGciOiJIUzI1NiJ9=.e30.AAAA", .invalidBase64),
        ("eyJhbGciOiJIUzI1NiJ9.e30.AA+A", .invalidBase64),
        // shape
        ("", .malformed), ("abc", .malformed), ("a.b", .malformed), ("a.b.c.d", .malformed), (".b.c", .malformed),
        ("a..c", .malformed),
        (String(repeating: "a", count: 8193), .tooLong),
    ] as [(String, JWTError)])
func refuses(token: String, error: JWTError) {
    #expect(throws: error) { try JWT.verify(token, secret: jwtSecret, now: jwtNow) }
}

/// Edges of the time checks (now = 1766450400): each is accepted just inside its limit.
@Test(arguments: [
    #"{"sub":"a","exp":1766450371}"#,  // expired 29 s ago: inside the 30 s leeway
    #"{"sub":"a","exp":1766453400,"nbf":1766450430}"#,  // nbf 30 s ahead: leeway
    #"{"sub":"a","exp":1766453400,"iat":1766450460}"#,  // iat 60 s ahead: allowed skew
    #"{"sub":"a","exp":1766453400.5,"iat":1766450400.25}"#,  // NumericDate may be fractional
    #"{"sub":"a","exp":1766453400,"iss":null,"aud":"x"}"#,
])
func acceptsAtTheEdges(payload: String) throws {
    let claims = try JWT.verify(forge(header: hs256Header, payload: payload), secret: jwtSecret, now: jwtNow)
    #expect(claims.subject == "a")
}

@Test func everyTamperedByteIsRefused() {
    let token = Array(JWT.issue(subject: "alice", now: jwtNow, lifetimeSeconds: 3000, secret: jwtSecret).utf8)
    for i in token.indices where token[i] != UInt8(ascii: ".") {
        var tampered = token
        // Swap to a different base64url character: the token must not verify.
        tampered[i] = token[i] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(throws: JWTError.self) {
            try JWT.verify(String(decoding: tampered, as: UTF8.self), secret: jwtSecret, now: jwtNow)
        }
    }
}

@Test(
    arguments: [
        ("Bearer abc.def.ghi", "abc.def.ghi"), ("bearer abc", "abc"), ("BEARER abc", "abc"), ("BeArEr   abc  ", "abc"),
        ("abc.def.ghi", "abc.def.ghi"), ("  abc  ", "abc"),
        ("Basic dXNlcjpwYXNz", nil), ("AWS4-HMAC-SHA256 Credential=x", nil), ("Bearer", "Bearer"),
        ("Bearer ", "Bearer"),
        ("", nil), ("   ", nil), ("Bearerx abc", nil), ("Bearer\tabc", "abc"), ("\tBearer \t abc\t", "abc"),
        ("Beärer abc", nil), ("Bear abc", nil), ("Bearer a b", "a b"),
    ] as [(String, String?)])
func bearerParsing(header: String, token: String?) {
    #expect(BearerToken.parse(authorization: header) == token)
}

@Test func bearerMissingHeader() {
    #expect(BearerToken.parse(authorization: nil) == nil)
}
