import BoxCrypto

/// HS256 JSON Web Tokens (RFC 7519) as the box issues and checks them (docs/contract.md §3.3).
///
/// Verification order: size, shape, header (`alg` must be exactly `HS256`, no `crit`), signature
/// (constant-time), then claims (`exp` required with leeway, `nbf`, `iat` not in the future, non-empty `sub`).
/// The signature is checked before the payload is even parsed, so unauthenticated JSON never reaches the parser.
public enum JWT {
    /// Tokens longer than this are refused before any work (docs/contract.md §3.3: 8 KiB).
    public static let maxTokenBytes = 8192
    /// Clock leeway for `exp` and `nbf`, seconds.
    public static let leewaySeconds = 30
    /// How far in the future `iat` may be, seconds.
    public static let maxIssuedAtSkewSeconds = 60

    static let headerSegment: [UInt8] = Array(Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8)).utf8)

    /// A signed token `header.payload.signature` with header `{"alg":"HS256","typ":"JWT"}`.
    public static func sign(_ claims: JWTClaims, secret: [UInt8]) -> String {
        var token = headerSegment
        token.append(UInt8(ascii: "."))
        Base64URL.encode(claims.payloadJSON(), into: &token)
        let mac = HMACSHA256.authenticationCode(key: secret, message: token)
        token.append(UInt8(ascii: "."))
        Base64URL.encode(mac, into: &token)
        return String(decoding: token, as: UTF8.self)
    }

    /// Issues a login token: `sub`, `iat` = now, `exp` = now + lifetime, and `iss` / `jti` when given.
    public static func issue(
        subject: String, now: Int, lifetimeSeconds: Int, secret: [UInt8], issuer: String? = nil,
        tokenID: String? = nil
    ) -> String {
        sign(
            JWTClaims(
                subject: subject, issuedAt: now, expiresAt: now + lifetimeSeconds, issuer: issuer, tokenID: tokenID),
            secret: secret)
    }

    /// Verifies `token` against `secret` at time `now` (epoch seconds) and returns its claims.
    /// - Throws: `JWTError` saying why the token is refused.
    public static func verify(_ token: String, secret: [UInt8], now: Int) throws(JWTError) -> JWTClaims {
        let bytes = Array(token.utf8)
        guard bytes.count <= maxTokenBytes else { throw .tooLong }
        let dots = bytes.indices.filter { bytes[$0] == UInt8(ascii: ".") }
        guard dots.count == 2, dots[0] > 0, dots[1] > dots[0] + 1 else { throw .malformed }
        let headerPart = bytes[..<dots[0]], payloadPart = bytes[(dots[0] + 1)..<dots[1]]
        let signaturePart = bytes[(dots[1] + 1)...]

        let header = try decodeObject(headerPart)
        guard case .string(let alg)? = header["alg"] else {
            throw .unsupportedAlgorithm(header["alg"].map { $0.jsonString })
        }
        guard alg == "HS256" else { throw .unsupportedAlgorithm(alg) }
        guard !header.contains(key: "crit") else { throw .unsupportedCriticalHeader }

        guard let signature = Base64URL.decode(signaturePart) else { throw .invalidBase64 }
        let expected = HMACSHA256.authenticationCode(key: secret, message: bytes[..<dots[1]])
        guard constantTimeEquals(signature, expected) else { throw .badSignature }

        return try checkClaims(try decodeObject(payloadPart), now: now)
    }

    static func decodeObject(_ segment: ArraySlice<UInt8>) throws(JWTError) -> JSONObject {
        guard let json = Base64URL.decode(segment) else { throw .invalidBase64 }
        guard let value = try? JSONValue(parsing: json, maxDepth: 32), case .object(let object) = value else {
            throw .invalidJSON
        }
        return object
    }

    static func checkClaims(_ payload: JSONObject, now: Int) throws(JWTError) -> JWTClaims {
        guard let expValue = payload["exp"], !expValue.isNull else { throw .missingExpiry }
        let exp = try numericDate(expValue, name: "exp")
        let nbf = try payload["nbf"].map { v throws(JWTError) in try numericDate(v, name: "nbf") }
        let iat = try payload["iat"].map { v throws(JWTError) in try numericDate(v, name: "iat") }
        let current = Double(now)
        // As PyJWT: expired once exp + leeway is reached.
        guard exp + Double(leewaySeconds) > current else { throw .expired }
        if let nbf, nbf > current + Double(leewaySeconds) { throw .notYetValid }
        if let iat, iat > current + Double(maxIssuedAtSkewSeconds) { throw .issuedInFuture }
        guard case .string(let sub)? = payload["sub"], !sub.isEmpty else { throw .missingSubject }
        let iss = try optionalString(payload["iss"], name: "iss")
        let jti = try optionalString(payload["jti"], name: "jti")
        return JWTClaims(
            subject: sub, issuedAt: iat.map(truncated), expiresAt: truncated(exp), notBefore: nbf.map(truncated),
            issuer: iss, tokenID: jti)
    }

    static func numericDate(_ value: JSONValue, name: String) throws(JWTError) -> Double {
        // RFC 7519 NumericDate: a JSON number (fractions allowed); strings and booleans are refused.
        guard case .number(let n) = value, n.doubleValue.isFinite else { throw .invalidClaim(name) }
        return n.doubleValue
    }

    static func optionalString(_ value: JSONValue?, name: String) throws(JWTError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let s)?: return s
        default: throw .invalidClaim(name)
        }
    }

    static func truncated(_ seconds: Double) -> Int {
        seconds >= 9.2e18 ? Int.max : seconds <= -9.2e18 ? Int.min : Int(seconds)
    }
}
