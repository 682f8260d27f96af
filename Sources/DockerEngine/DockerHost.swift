/// Where the Docker Engine API listens: `DOCKER_HOST` as the docker CLI reads it.
///
/// `unix:///path` (the default `unix:///var/run/docker.sock`) and `tcp://host:port` (plain HTTP) are
/// understood; anything else is refused at start-up rather than guessed at.
public struct DockerHost: Sendable, Equatable, CustomStringConvertible {
    /// The transport to reach the daemon.
    public enum Endpoint: Sendable, Equatable {
        /// A Unix stream socket at this path.
        case unixSocket(path: String)
        /// Plain HTTP on this host and port.
        case tcp(host: String, port: Int)
    }

    public let endpoint: Endpoint

    /// The default local daemon.
    public static let defaultSocket = DockerHost(endpoint: .unixSocket(path: "/var/run/docker.sock"))

    /// A host for an explicit endpoint.
    public init(endpoint: Endpoint) {
        self.endpoint = endpoint
    }

    /// Parses a `DOCKER_HOST` value; nil when the scheme is not `unix://` or `tcp://`.
    public init?(parsing value: String) {
        if value.hasPrefix("unix://") {
            let path = String(value.dropFirst("unix://".count))
            guard path.hasPrefix("/") else { return nil }
            endpoint = .unixSocket(path: path)
        } else if value.hasPrefix("tcp://") || value.hasPrefix("http://") {
            let rest = value.drop { $0 != "/" }.drop { $0 == "/" }
            let authority = rest.prefix { $0 != "/" }
            guard let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...]),
                port > 0, port < 65536, colon != authority.startIndex
            else { return nil }
            endpoint = .tcp(host: String(authority[..<colon]), port: port)
        } else {
            return nil
        }
    }

    /// `DOCKER_HOST` from this environment, or the default socket when unset or empty.
    /// Throws when it is set to something this client cannot use.
    public static func fromEnvironment(_ environment: [String: String]) throws(DockerError) -> DockerHost {
        guard let value = environment["DOCKER_HOST"], !value.isEmpty else { return .defaultSocket }
        guard let host = DockerHost(parsing: value) else {
            throw DockerError(
                .invalidRequest, message: "unsupported DOCKER_HOST \(value) (use unix:///path or tcp://host:port)")
        }
        return host
    }

    /// The `DOCKER_HOST` spelling of this host.
    public var description: String {
        switch endpoint {
        case .unixSocket(let path): "unix://\(path)"
        case .tcp(let host, let port): "tcp://\(host):\(port)"
        }
    }

    /// The URL prefix libcurl is given (the Unix socket is set separately; its Host header is `localhost`,
    /// which the daemon expects).
    var baseURL: String {
        switch endpoint {
        case .unixSocket: "http://localhost"
        case .tcp(let host, let port): "http://\(host):\(port)"
        }
    }

    var unixSocketPath: String? {
        if case .unixSocket(let path) = endpoint { return path }
        return nil
    }
}
