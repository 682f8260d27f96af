/// Why a client request failed. The distinction matters to callers that retry: only `notSent` (and
/// `timedOut(sent: false)`) guarantee the server never received any byte of the request.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Could not connect, TLS handshake failed, or the write failed before any byte went out: safe to
    /// retry elsewhere.
    case notSent(String)
    /// Bytes of the request went out, then the connection broke or the response was malformed: the
    /// server may have acted on it.
    case sentThenFailed(String)
    /// The per-request timeout passed; `sent` tells whether any request byte went out.
    case timedOut(sent: Bool)

    /// True when the server may have seen (part of) the request.
    public var mayHaveBeenSent: Bool {
        switch self {
        case .notSent: false
        case .sentThenFailed: true
        case .timedOut(let sent): sent
        }
    }

    /// The error kind and its reason.
    public var description: String {
        switch self {
        case .notSent(let why): "not sent: \(why)"
        case .sentThenFailed(let why): "sent, then failed: \(why)"
        case .timedOut(let sent): sent ? "timed out after sending" : "timed out before sending"
        }
    }
}
