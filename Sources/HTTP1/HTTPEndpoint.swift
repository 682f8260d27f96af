/// Where the client sends a request: `http://host:port`, `https://host:port` or a Unix socket.
public struct HTTPEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// Host name or IP literal (empty for Unix sockets).
    public let host: String
    /// TCP port (0 for Unix sockets).
    public let port: Int
    /// Unix-domain socket path, when the endpoint is one.
    public let unixPath: String?
    /// Whether to speak TLS.
    public let useTLS: Bool
    /// The `Host` header value: `host[:port]` (port omitted when it is the scheme's default), `localhost` for Unix
    /// sockets. Made once: every request to a worker sends it (docs/performance.md).
    public let hostHeader: String

    /// A TCP endpoint.
    public init(host: String, port: Int, useTLS: Bool = false) {
        self.host = host
        self.port = port
        unixPath = nil
        self.useTLS = useTLS
        let h = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
        hostHeader = port == (useTLS ? 443 : 80) ? h : "\(h):\(port)"
    }

    /// A Unix-socket endpoint (plain HTTP).
    public init(unixPath: String) {
        host = ""
        port = 0
        self.unixPath = unixPath
        useTLS = false
        hostHeader = "localhost"
    }

    /// Parses `http://host[:port][/...]`, `https://host[:port][/...]` (IPv6 in brackets) and
    /// `unix:///absolute/path`. A path after the authority is ignored (the request carries its own target), or
    /// refused when `allowingPath` is false (a trailing `/` is always fine); user info (`user@host`) is refused.
    public static func parse(_ text: String, allowingPath: Bool = true) -> HTTPEndpoint? {
        if text.hasPrefix("unix://") {
            let path = String(text.dropFirst("unix://".count))
            return path.hasPrefix("/") && path.count > 1 ? HTTPEndpoint(unixPath: path) : nil
        }
        let useTLS = text.hasPrefix("https://")
        guard useTLS || text.hasPrefix("http://") else { return nil }
        var rest = text.dropFirst((useTLS ? "https://" : "http://").count)
        if let slash = rest.firstIndex(of: "/") {
            guard allowingPath || rest[slash...].allSatisfy({ $0 == "/" }) else { return nil }
            rest = rest[..<slash]
        }
        guard !rest.contains("@") else { return nil }
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

    // Equality and hashing leave out `hostHeader`, which follows from the rest: the clients' pools hash endpoints
    // on every request.
    public static func == (a: HTTPEndpoint, b: HTTPEndpoint) -> Bool {
        a.port == b.port && a.useTLS == b.useTLS && a.host == b.host && a.unixPath == b.unixPath
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(host)
        hasher.combine(port)
        hasher.combine(unixPath)
        hasher.combine(useTLS)
    }

    /// The endpoint as a URL (`http://h:p`, `unix:///path`).
    public var description: String {
        if let unixPath { return "unix://\(unixPath)" }
        return "\(useTLS ? "https" : "http")://\(hostHeader)"
    }
}
