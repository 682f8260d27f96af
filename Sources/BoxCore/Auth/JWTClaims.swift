/// The claims of a box token (docs/contract.md §3.3). Times are NumericDate values: seconds since the epoch.
public struct JWTClaims: Sendable, Equatable {
    /// `sub`: the user name.
    public var subject: String
    /// `iat`, when present.
    public var issuedAt: Int?
    public var expiresAt: Int
    /// `nbf`, when present.
    public var notBefore: Int?
    /// `iss`, when present.
    public var issuer: String?
    /// `jti`, when present.
    public var tokenID: String?

    public init(
        subject: String, issuedAt: Int?, expiresAt: Int, notBefore: Int? = nil, issuer: String? = nil,
        tokenID: String? = nil
    ) {
        self.subject = subject
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.notBefore = notBefore
        self.issuer = issuer
        self.tokenID = tokenID
    }

    /// The payload JSON: `sub`, `iat`, `exp`, `nbf`, `iss`, `jti` (those present).
    func payloadJSON() -> [UInt8] {
        var w = JSONWriter(capacity: 128)
        w.beginObject()
        w.key("sub"); w.string(subject)
        if let issuedAt { w.key("iat"); w.int(issuedAt) }
        w.key("exp"); w.int(expiresAt)
        if let notBefore { w.key("nbf"); w.int(notBefore) }
        if let issuer { w.key("iss"); w.string(issuer) }
        if let tokenID { w.key("jti"); w.string(tokenID) }
        w.endObject()
        return w.bytes
    }
}
