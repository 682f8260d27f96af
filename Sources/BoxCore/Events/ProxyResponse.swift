/// The HTTP response a Lambda proxy result maps to (docs/contract.md §3.5): the gateway turns it into its wire
/// response (adding `Content-Length`, `X-Request-Id`, ...). Header fields are in order, one line each.
public struct ProxyResponse: Sendable {
    public var status: Int
    /// Header fields in order; a name may repeat (`Set-Cookie`).
    public var headers: [(name: String, value: String)]
    /// Body bytes (already base64-decoded when the result said so).
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Every value of a header, any case, in order.
    public func values(for name: String) -> [String] {
        headers.filter { ASCII.equalsIgnoringCase($0.name, name) }.map(\.value)
    }
}

/// Why a Lambda result cannot be turned into a response. The gateway answers both with
/// `502 {"message":"Internal server error"}` and logs the detail.
public enum ProxyResultError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The function failed: the RIE said `X-Amz-Function-Error`, or answered with an error object
    /// (`errorMessage` + `errorType`, no `statusCode`).
    case functionError(errorType: String?, errorMessage: String?)
    /// The result is not a proxy result API Gateway would accept (the reason is for logs).
    case malformedResult(String)

    /// The status the gateway answers with.
    public var status: Int { 502 }

    /// For logs.
    public var description: String {
        switch self {
        case .functionError(let type, let message):
            "function error \(type ?? "(no type)"): \(message ?? "(no message)")"
        case .malformedResult(let reason):
            "malformed Lambda proxy response: \(reason)"
        }
    }
}
