/// A route's CORS settings (`cors:` in `routing.yml`, docs/configuration.md "CORS"): what the Gateway answers to a
/// browser's preflight `OPTIONS` on the route's path, and which `Access-Control-*` headers it adds to the route's
/// responses. `esb generate` writes them from a SAM API's `Cors` / an HTTP API's `CorsConfiguration`.
public struct CORSPolicy: Sendable, Equatable {
    /// Origins allowed (`https://app.example.com`); `*` allows any, `https://*` / `http://*` any of that scheme (as
    /// an HTTP API's `allowOrigins`).
    public var allowOrigins: [String]
    /// Methods a preflight may ask for; empty = the methods routed at the path, plus `OPTIONS`; `*` = any.
    public var allowMethods: [String]
    /// Request headers a preflight may ask for; `*` = whatever it asks for.
    public var allowHeaders: [String]
    /// Response headers a page's script may read.
    public var exposeHeaders: [String]
    /// Seconds a browser may keep a preflight's answer (`Access-Control-Max-Age`).
    public var maxAge: Int?
    /// Whether credentialed requests (cookies, `Authorization`) may be read by the page.
    public var allowCredentials: Bool

    public init(
        allowOrigins: [String], allowMethods: [String] = [], allowHeaders: [String] = [],
        exposeHeaders: [String] = [], maxAge: Int? = nil, allowCredentials: Bool = false
    ) {
        self.allowOrigins = allowOrigins
        self.allowMethods = allowMethods
        self.allowHeaders = allowHeaders
        self.exposeHeaders = exposeHeaders
        self.maxAge = maxAge
        self.allowCredentials = allowCredentials
    }

    /// The `Access-Control-Allow-Origin` value for a request from `origin`, or nil when the origin is not allowed.
    /// A listed origin is echoed (with `Vary: Origin`); `*` is answered `*` unless credentials are allowed, where
    /// browsers refuse `*` and the origin is echoed instead.
    public func allowedOrigin(for origin: String) -> String? {
        if allowOrigins.contains(where: { Self.originsEqual($0, origin) || Self.schemeWildcard($0, matches: origin) }) {
            return origin
        }
        guard allowOrigins.contains("*") else { return nil }
        return allowCredentials ? origin : "*"
    }

    /// `https://*` matches every origin of that scheme (`https://a.example:8443`), not the bare `https://`.
    static func schemeWildcard(_ pattern: String, matches origin: String) -> Bool {
        guard pattern.hasSuffix("://*") else { return false }
        let prefix = pattern.dropLast().lowercased()
        return origin.utf8.count > prefix.utf8.count && origin.lowercased().hasPrefix(prefix)
    }

    /// Origins compare by scheme and host without regard to case (RFC 6454 serializes them in lower case).
    static func originsEqual(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.lowercased() == b.lowercased()
    }
}
