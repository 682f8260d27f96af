/// One route of `routing.yml` (docs/contract.md §2.2), validated.
public struct Route: Sendable, Equatable {
    /// The event payload version the function receives.
    public enum PayloadFormat: String, Sendable, Hashable {
        /// REST API proxy event (the default).
        case v1 = "1.0"
        /// HTTP API event.
        case v2 = "2.0"
    }

    /// How a request on this route is authenticated.
    public enum Auth: String, Sendable, Hashable {
        /// A Bearer JWT from the login endpoint (the default).
        case jwt
        case none
    }

    public var path: RoutePath
    public var method: RouteMethod
    /// The function's name in `functions.yml`.
    public var function: String
    public var payloadFormat: PayloadFormat
    public var auth: Auth
    /// CORS settings for the route's path, or nil (no preflight answer, no `Access-Control-*` headers added).
    public var cors: CORSPolicy?
    /// Line of the route's entry in `routing.yml` (from 1; 0 when built in code).
    public var line: Int
    /// Column of the route's entry (from 1; 0 when built in code).
    public var column: Int

    /// A route; the location is for messages only.
    public init(
        path: RoutePath, method: RouteMethod, function: String, payloadFormat: PayloadFormat = .v1, auth: Auth = .jwt,
        cors: CORSPolicy? = nil, line: Int = 0, column: Int = 0
    ) {
        self.path = path
        self.method = method
        self.function = function
        self.payloadFormat = payloadFormat
        self.auth = auth
        self.cors = cors
        self.line = line
        self.column = column
    }

    /// `METHOD /template`: payload 2.0's `routeKey` (`ANY /path` for an ANY route).
    public var routeKey: String { "\(method.rawValue) \(path.template)" }
}
