/// Where an HTTP peer of the pools listens: a worker's RIE (`host:port`) or the Manager (`http://host:port` or
/// `unix:///path`, `MANAGER_URL` of §3.1).
public enum PoolEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// A TCP peer.
    case tcp(host: String, port: Int)
    /// A Unix-domain stream socket.
    case unix(path: String)

    /// Parses `http://host:port` (port defaults to 80, `[v6]` brackets allowed, a trailing `/` ignored) or
    /// `unix:///absolute/path`. Returns nil for anything else (`https://` included: the Manager speaks plain HTTP on
    /// a control network or a Unix socket).
    public static func parse(_ url: String) -> PoolEndpoint? {
        if url.hasPrefix("unix://") {
            let path = String(url.dropFirst("unix://".count))
            return path.hasPrefix("/") && path.count > 1 ? .unix(path: path) : nil
        }
        guard url.hasPrefix("http://") else { return nil }
        var rest = Substring(url.dropFirst("http://".count))
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/"), !rest.contains("@") else { return nil }
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            let host = String(rest[rest.index(after: rest.startIndex)..<close])
            let tail = rest[rest.index(after: close)...]
            if tail.isEmpty { return host.isEmpty ? nil : .tcp(host: host, port: 80) }
            guard tail.hasPrefix(":"), let port = Int(tail.dropFirst()), (1...65535).contains(port) else { return nil }
            return .tcp(host: host, port: port)
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return .tcp(host: String(parts[0]), port: 80)
        case 2:
            guard !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port) else { return nil }
            return .tcp(host: String(parts[0]), port: port)
        default: return nil
        }
    }

    /// The value of the `Host` header for a request to this peer.
    public var hostHeader: String {
        switch self {
        case .tcp(let host, let port):
            let h = host.contains(":") ? "[\(host)]" : host
            return port == 80 ? h : "\(h):\(port)"
        case .unix: return "localhost"
        }
    }

    /// `http://host:port` or `unix:///path`.
    public var description: String {
        switch self {
        case .tcp: return "http://\(hostHeader)"
        case .unix(let path): return "unix://\(path)"
        }
    }
}
