/// Where a server listens (or a client connects): TCP host and port, or a Unix-domain socket path.
public enum ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// A TCP address; `host` is an IP literal (`0.0.0.0`, `::`, `127.0.0.1`) or a name resolved at start.
    case tcp(host: String, port: Int)
    /// A Unix-domain socket at `path`.
    case unix(path: String)

    /// Parses `0.0.0.0:443`, `[::]:443`, `:8080` (all IPv4 interfaces), `localhost:8080`,
    /// `unix:///run/esb.sock` or `unix:/run/esb.sock`. Nil when the text is none of these.
    public static func parse(_ text: String) -> ListenAddress? {
        for prefix in ["unix://", "unix:"] where text.hasPrefix(prefix) {
            let path = String(text.dropFirst(prefix.count))
            return path.isEmpty ? nil : .unix(path: path)
        }
        if text.hasPrefix("/") { return .unix(path: text) }
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { return nil }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            return nil  // an IPv6 literal must be bracketed
        }
        return .tcp(host: host.isEmpty ? "0.0.0.0" : host, port: port)
    }

    /// `host:port`, `[v6]:port` or `unix:///path`.
    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): "unix://\(path)"
        }
    }
}
