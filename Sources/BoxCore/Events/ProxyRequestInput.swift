import HTTP1

/// Everything the gateway knows about one routed request, as the API Gateway event builders need it
/// (docs/contract.md §3.4). A plain value: no I/O, so the builders are pure functions.
public struct ProxyRequestInput: Sendable {
    /// Method as sent (`GET`).
    public var method: String
    /// Path as sent, still percent-encoded, without the query (`/api/users/42`).
    public var rawPath: String
    /// Query string as sent after `?` (percent-encoded), or nil when the target had no `?`.
    public var rawQuery: String?
    /// Header fields as sent: names in the client's spelling, in order, repeated names repeated.
    public var headers: [(name: String, value: String)]
    /// The request body (de-chunked).
    public var body: [UInt8]
    /// The client address (`identity.sourceIp` / `http.sourceIp`).
    public var sourceIP: String
    /// `User-Agent`; nil → taken from the headers.
    public var userAgent: String?
    /// `requestContext.requestId`: the request's `X-Request-Id` (docs/contract.md §3.4).
    public var requestID: String
    /// The request's `X-Amzn-Trace-Id`; added to the event's headers when the client did not send one, as
    /// API Gateway does.
    public var traceID: String?
    /// The matched route's path template (`/api/users/{user_id}`); nil when no route matched (`resource` is then
    /// the request path and 2.0's `routeKey` is `$default`).
    public var resourcePath: String?
    /// The matched route's method as configured (`ANY` for an ANY route); nil → `method`.
    public var routeMethod: String?
    /// Decoded path parameters in template order (`[("user_id", "42")]`).
    public var pathParameters: [(name: String, value: String)]
    /// `requestContext.stage`.
    public var stage: String
    /// Stage variables, or nil (the box has none unless configured).
    public var stageVariables: [(name: String, value: String)]?
    /// The authenticated caller, or nil for `auth: none` routes (no `authorizer` section then).
    public var claims: ProxyClaims?
    /// Request arrival time, milliseconds since the epoch.
    public var requestTimeEpochMilliseconds: Int64
    /// `requestContext.domainName`; nil → the Host header without its port.
    public var domainName: String?
    /// `requestContext.apiId`.
    public var apiID: String
    /// `requestContext.accountId`.
    public var accountID: String
    /// `BINARY_MEDIA_TYPES`.
    public var binaryMediaTypes: BinaryMediaTypes
    /// `requestContext.protocol`, e.g. `HTTP/1.1`.
    public var protocolName: String

    /// An input with the box's defaults for everything a plain request does not say.
    public init(
        method: String, rawPath: String, rawQuery: String? = nil, headers: [(name: String, value: String)] = [],
        body: [UInt8] = [], sourceIP: String, userAgent: String? = nil, requestID: String, traceID: String? = nil,
        resourcePath: String? = nil, routeMethod: String? = nil, pathParameters: [(name: String, value: String)] = [],
        stage: String = "prod", stageVariables: [(name: String, value: String)]? = nil, claims: ProxyClaims? = nil,
        requestTimeEpochMilliseconds: Int64, domainName: String? = nil, apiID: String = "esb",
        accountID: String = "000000000000", binaryMediaTypes: BinaryMediaTypes = BinaryMediaTypes(),
        protocolName: String = "HTTP/1.1"
    ) {
        self.method = method
        self.rawPath = rawPath
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
        self.sourceIP = sourceIP
        self.userAgent = userAgent
        self.requestID = requestID
        self.traceID = traceID
        self.resourcePath = resourcePath
        self.routeMethod = routeMethod
        self.pathParameters = pathParameters
        self.stage = stage
        self.stageVariables = stageVariables
        self.claims = claims
        self.requestTimeEpochMilliseconds = requestTimeEpochMilliseconds
        self.domainName = domainName
        self.apiID = apiID
        self.accountID = accountID
        self.binaryMediaTypes = binaryMediaTypes
        self.protocolName = protocolName
    }

    /// The first value of a header, any case.
    public func header(_ name: String) -> String? {
        // By index: `first { }` would copy each (name, value) pair it looks at (docs/performance.md).
        for i in headers.indices where ASCII.equalsIgnoringCase(headers[i].name, name) { return headers[i].value }
        return nil
    }
}

/// ASCII helpers for header names (tokens), shared by the event and result code.
enum ASCII {
    /// Header names compare as HTTP1 compares them (one implementation).
    @inline(__always) static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        HTTPHeaders.namesEqual(a, b)
    }

    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }

    /// `s` with ASCII upper-case letters lowered (other bytes as they are): a case-insensitive dictionary key.
    static func lowercased(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return s }
        return String(decoding: s.utf8.map(lower), as: UTF8.self)
    }
}

extension ProxyRequestInput {
    /// Path parameters from a routing match (a dictionary) in the order their names appear in the route
    /// template, so the event lists them as API Gateway does.
    public static func orderedPathParameters(_ parameters: [String: String], template: String)
        -> [(name: String, value: String)]
    {
        parameters.map { (name: $0.key, value: $0.value) }.sorted { a, b in
            let pa = position(of: a.name, in: template), pb = position(of: b.name, in: template)
            return pa != pb ? pa < pb : a.name < b.name
        }
    }

    static func position(of name: String, in template: String) -> Int {
        let utf8 = template.utf8
        for marker in ["{\(name)}", "{\(name)+}"] {
            if let found = utf8.firstRange(of: marker.utf8) {
                return utf8.distance(from: utf8.startIndex, to: found.lowerBound)
            }
        }
        return Int.max
    }
}
