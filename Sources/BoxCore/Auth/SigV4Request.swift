/// A request as AWS Signature Version 4 sees it: the method, the path and query exactly as they go on the wire
/// (percent-encoded), the header fields and the body.
public struct SigV4Request: Sendable {
    /// Method (`POST`).
    public var method: String
    /// Path as sent, percent-encoded (`/2015-03-31/functions/my-func%3A%24LATEST/invocations`).
    public var path: String
    /// Query as sent after `?`, or nil.
    public var query: String?
    /// Header fields in order (must include `Host`).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(
        method: String, path: String, query: String? = nil, headers: [(name: String, value: String)],
        body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// Every value of a header (any case), in order.
    public func values(for name: String) -> [String] {
        headers.filter { ASCII.equalsIgnoringCase($0.name, name) }.map(\.value)
    }
}

/// Who signed a verified request.
public struct SigV4Identity: Sendable, Equatable {
    public var accessKeyID: String
    /// The credential scope's region and service.
    public var region: String
    public var service: String
    /// `X-Amz-Date` as epoch seconds.
    public var signedAtEpochSeconds: Int64
}
