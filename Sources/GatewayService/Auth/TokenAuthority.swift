import BoxCore
import Telemetry
public import HTTP1
public import Posix

/// The claims of a verified token that the gateway passes on (event `authorizer.claims`).
public struct TokenClaims: Sendable, Equatable {
    /// `sub`: the user name.
    public var subject: String
    /// `exp` (whole seconds) plus the clock leeway: the token is refused from this epoch second on.
    var refusedFrom: Int
}

/// Issues login tokens and checks `Authorization: Bearer` headers (docs/contract.md §3.3) with the gateway's HS256 key.
public struct TokenAuthority: Sendable {
    let key: [UInt8]
    let lifetime: Int
    let now: @Sendable () -> Int
    /// Tokens verified before: a hit skips decoding and the signature check (docs/events-and-auth.md).
    let verified = VerifiedTokens()

    /// An authority over `key`; tokens live `lifetime` seconds. `now` gives epoch seconds (injected in tests).
    public init(
        key: [UInt8], lifetime: Int, now: @escaping @Sendable () -> Int = { Int(WallClock.epochMilliseconds() / 1000) }
    ) {
        self.key = key
        self.lifetime = lifetime
        self.now = now
    }

    /// A new token for `subject`, with a random `jti`.
    public func issue(subject: String) -> String {
        var rng = KernelRandom()
        return JWT.issue(
            subject: subject, now: now(), lifetimeSeconds: lifetime, secret: key, issuer: "esb-gateway",
            tokenID: RequestIdentity.newUUID(using: &rng))
    }

    /// The claims of the bearer token in `headers`, or `.unauthorized`.
    ///
    /// `admitted`: the claims the head gate verified from these same headers (HeadScreen.swift). The token is
    /// then verified once per request: only its expiry is checked again, as the body may have taken a while.
    public func authenticate(_ headers: HTTPHeaders, admitted: TokenClaims? = nil) throws(GatewayError)
        -> TokenClaims
    {
        if let admitted {
            guard now() < admitted.refusedFrom else { throw .unauthorized }
            return admitted
        }
        guard let token = BearerToken.parse(authorization: headers["Authorization"]) else { throw .unauthorized }
        return try verify(token)
    }

    /// The claims of `token`, or `.unauthorized`.
    public func verify(_ token: String) throws(GatewayError) -> TokenClaims {
        let now = now()
        if let claims = verified.claims(of: token, now: now) { return claims }
        do {
            let jwt = try JWT.verify(token, secret: key, now: now)
            let claims = TokenClaims(subject: jwt.subject, refusedFrom: jwt.expiresAt + JWT.leewaySeconds)
            verified.remember(token, claims: claims, verifiedAt: now)
            return claims
        } catch {
            throw .unauthorized
        }
    }
}
