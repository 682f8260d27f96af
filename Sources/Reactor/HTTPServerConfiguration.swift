public import HTTP1
public import TLS

/// Everything an `HTTPServer` needs besides its handler. Defaults are docs/contract.md §3.10's.
public struct HTTPServerConfiguration: Sendable {
    /// Where to listen.
    public var listen: ListenAddress
    /// TLS certificate holder (reloadable); nil serves plain HTTP.
    public var tls: TLSServerContext?
    /// From accept (or from the first byte of a later request) to a complete head: then 408 if anything
    /// was received, else a silent close. Covers the TLS handshake of a new connection.
    public var headerTimeout: Duration = .seconds(10)
    /// Longest time without body progress (reading the body or writing the response): then 408 and close.
    public var bodyTimeout: Duration = .seconds(30)
    /// Keep-alive: how long a connection may sit between requests before it is closed.
    public var idleTimeout: Duration = .seconds(60)
    /// Largest request head (431 beyond).
    public var maxHeaderBytes: Int = 16 * 1024
    /// Largest request body (413 beyond, as soon as the declared length or chunked total passes it).
    public var maxBodyBytes: Int = 6 * 1024 * 1024
    /// Open connections beyond this are accepted and closed at once.
    public var maxConnections: Int = 10_000
    /// Event loops (one listener each with `SO_REUSEPORT`); Unix sockets always use one.
    public var loops: Int = 1
    /// After a 413 (lingering close, see docs/network-runtime.md): the longest time the rest of the body
    /// is read and discarded while the client keeps sending, so an uploading client reads the 413
    /// instead of a reset. Once 2 × `maxBodyBytes` were discarded, at most `lingerTimeout` more.
    /// The connection closes as soon as the client closes its side.
    public var discardTimeout: Duration = .seconds(5)
    /// After any other answer that closes the connection (400, 408, 431, a `Connection: close`
    /// response): the longest time input is read and discarded before closing, unless the client
    /// closes its side first.
    public var lingerTimeout: Duration = .seconds(2)
    /// Extra headers for protocol-level error responses the server writes itself (400, 408, 413, 431...),
    /// e.g. `X-Request-Id`. Called on the connection's loop.
    public var decorateProtocolError: (@Sendable (Int) -> HTTPHeaders)?
    /// Bytes of request bodies that all connections together may hold while they are being received (bodies
    /// handed to the handler no longer count). A body that would pass it is answered 503 with `Retry-After`
    /// and its connection closes (docs/network-runtime.md).
    public var maxInflightBodyBytes: Int = 256 * 1024 * 1024
    /// Bytes per second a body must keep up once `minBodyRateGrace` has passed since its first byte was
    /// awaited: by then `minBodyRate × (elapsed − grace)` bytes must have arrived, else 408 and close. 0 = off.
    public var minBodyRate: Int = 1024
    /// See `minBodyRate`.
    public var minBodyRateGrace: Duration = .seconds(10)
    /// Decides a request from its head alone, before any of its body is read (authentication, the contract's (docs/contract.md)
    /// "401 without reading the upload"): a response here is sent at once with `Connection: close`, and the
    /// body the client may still send is discarded as after a 413. nil lets the request go on. Called on the
    /// connection's loop with the head and an empty body, only for requests that have a body.
    public var headGate: (@Sendable (HTTPRequest, RequestInfo) -> HeadVerdict)?

    /// A configuration with §3.10 defaults.
    public init(listen: ListenAddress, tls: TLSServerContext? = nil) {
        self.listen = listen
        self.tls = tls
    }
}

/// What a head gate decided about a request from its head.
public enum HeadVerdict: Sendable {
    /// Answer this at once, with `Connection: close`, and discard the body.
    case refuse(HTTPResponse)
    /// Read the body and hand the request over; `note` (what the gate worked out, e.g. a verified token's
    /// claims) reaches the handler as `RequestInfo.headNote`, so it is not worked out twice.
    case admit(note: (any Sendable)?)
}

/// What the server knows about the connection a request came on.
public struct RequestInfo: Sendable {
    /// The peer's IP address as text (`127.0.0.1`, `::1`), or `unix` for Unix-domain sockets.
    public var peerAddress: String
    /// True when the request came over TLS.
    public var isTLS: Bool
    /// Unique per connection in this process (increasing).
    public var connectionID: UInt64
    /// When the request head was complete.
    public var receivedAt: ContinuousClock.Instant
    /// What the head gate passed on when it admitted the request (nil without a gate or a body).
    public var headNote: (any Sendable)?

    /// Builds an info value (tests of handlers build their own).
    public init(
        peerAddress: String, isTLS: Bool, connectionID: UInt64, receivedAt: ContinuousClock.Instant,
        headNote: (any Sendable)? = nil
    ) {
        self.peerAddress = peerAddress
        self.isTLS = isTLS
        self.connectionID = connectionID
        self.receivedAt = receivedAt
        self.headNote = headNote
    }
}

/// A request handler. It runs on the connection's event loop (`nonisolated(nonsending)`): code isolated
/// to `@Loop` called from it does not hop threads when the connection is on the primary loop.
public typealias HTTPHandler = nonisolated(nonsending) @Sendable (HTTPRequest, RequestInfo) async -> HTTPResponse

/// Why a server could not start.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    /// What failed.
    public let message: String
    /// The message.
    public var description: String { message }
}
