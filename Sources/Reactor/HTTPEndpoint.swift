/// Where the client sends a request: `http://host:port`, `https://host:port` or a Unix socket.
public struct HTTPEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// Host name or IP literal (empty for Unix sockets).
    public var host: String
    /// TCP port (0 for Unix sockets).
    public var port: Int
    /// Unix-domain socket path, when the endpoint is one.
    public var unixPath: String?
    /// Whether to speak TLS.
    public var useTLS: Bool

    /// A TCP endpoint.
    public init(host: String, port: Int, useTLS: Bool = false) {
        self.host = host
        self.port = port
        unixPath = nil
        self.useTLS = useTLS
    }

    /// A Unix-socket endpoint (plain HTTP).
    public init(unixPath: String) {
        host = ""
        port = 0
        self.unixPath = unixPath
        useTLS = false
    }

    /// Parses `http://host[:port][/...]`, `https://host[:port][/...]` (IPv6 in brackets) and
    /// `unix:///path`. A path after the authority is ignored (the request carries its own target).
    public static func parse(_ text: String) -> HTTPEndpoint? {
        if text.hasPrefix("unix://") {
            let path = String(text.dropFirst("unix://".count))
            return path.isEmpty ? nil : HTTPEndpoint(unixPath: path)
        }
        let useTLS: Bool
        var rest: Substring
        if text.hasPrefix("https://") {
            useTLS = true
            rest = text.dropFirst("https://".count)
        } else if text.hasPrefix("http://") {
            useTLS = false
            rest = text.dropFirst("http://".count)
        } else {
            return nil
        }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var host = rest
        var port = useTLS ? 443 : 80
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let p = Int(after.dropFirst()) else { return nil }
                port = p
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            guard let p = Int(rest[rest.index(after: colon)...]) else { return nil }
            port = p
        }
        guard !host.isEmpty, (1...65535).contains(port) else { return nil }
        return HTTPEndpoint(host: String(host), port: port, useTLS: useTLS)
    }

    /// The `Host` header value: `host[:port]` (port omitted when it is the scheme's default),
    /// `localhost` for Unix sockets.
    public var hostHeader: String {
        if unixPath != nil { return "localhost" }
        let h = host.contains(":") ? "[\(host)]" : host
        return port == (useTLS ? 443 : 80) ? h : "\(h):\(port)"
    }

    /// The endpoint as a URL (`http://h:p`, `unix:///path`).
    public var description: String {
        if let unixPath { return "unix://\(unixPath)" }
        return "\(useTLS ? "https" : "http")://\(hostHeader)"
    }
}

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
