/// A parsed and validated request head: start line, header fields, and what they mean for framing and
/// connection reuse.
public struct HTTPRequestHead: Sendable, Equatable {
    /// Method token as sent.
    public var method: String
    /// Request target as sent.
    public var target: String
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    /// Header fields in wire order.
    public var headers: HTTPHeaders
    /// How the body is delimited (`none`, `contentLength`, `chunked`; never `untilClose` for requests).
    public var framing: HTTPBodyFraming
    /// Whether the client allows the connection to stay open after this exchange.
    public var keepAlive: Bool
    /// `Expect: 100-continue` on an HTTP/1.1 request.
    public var expectsContinue: Bool

    /// Builds the handler-facing request with its (de-chunked) body.
    public func request(body: [UInt8]) -> HTTPRequest {
        HTTPRequest(method: method, target: target, minorVersion: minorVersion, headers: headers, body: body)
    }
}

/// A parsed response head (for the client).
public struct HTTPResponseHead: Sendable, Equatable {
    /// Status code (100–999).
    public var status: Int
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    /// Header fields in wire order.
    public var headers: HTTPHeaders
    /// Body framing for this response, given the request method (HEAD, 1xx, 204, 304 have none).
    public var framing: HTTPBodyFraming
    /// Whether the server lets the connection be reused after this response.
    public var keepAlive: Bool
}

/// The outcome of feeding bytes to a head parser.
public enum HTTPHeadParseResult<Head: Sendable>: Sendable {
    /// More bytes are needed.
    case incomplete
    /// A full head; the body (if any) starts at `bodyStart` in the buffer that was parsed.
    case complete(Head, bodyStart: Int)
}
