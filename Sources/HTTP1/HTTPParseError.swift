/// Why a message was rejected, with the HTTP status the server answers (400, 413, 431, 501, 505, 417).
/// Every parse error ends the connection: after one the byte stream cannot be trusted.
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The status to answer with.
    public let status: Int
    /// What was wrong, for logs and tests (never sent to the client).
    public let reason: String

    /// An error with an explicit status.
    public init(status: Int, reason: String) {
        self.status = status
        self.reason = reason
    }

    /// 400: malformed syntax or a request-smuggling shape.
    public static func badRequest(_ reason: String) -> HTTPParseError { HTTPParseError(status: 400, reason: reason) }
    /// 431: the header section is over the limit.
    public static let headerTooLarge = HTTPParseError(status: 431, reason: "header section too large")
    /// 413: the declared or received body is over the limit.
    public static let bodyTooLarge = HTTPParseError(status: 413, reason: "body too large")
    /// 501: a transfer coding other than chunked.
    public static let unsupportedTransferCoding = HTTPParseError(status: 501, reason: "unsupported transfer coding")
    /// 505: an HTTP major version other than 1.
    public static let unsupportedVersion = HTTPParseError(status: 505, reason: "unsupported HTTP version")
    /// 417: an `Expect` value other than `100-continue`.
    public static let expectationFailed = HTTPParseError(status: 417, reason: "unsupported expectation")

    /// `<status> <reason>`.
    public var description: String { "\(status) \(reason)" }
}

/// How the body of a message is delimited (RFC 9112 §6).
public enum HTTPBodyFraming: Sendable, Equatable {
    /// No body.
    case none
    /// Exactly this many bytes.
    case contentLength(Int)
    /// Chunked transfer coding.
    case chunked
    /// Everything until the peer closes (responses only).
    case untilClose
}
