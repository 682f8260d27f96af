/// The body of `POST /containers/create`: the subset of Docker's container config this project sets.
public struct ContainerSpec: Sendable, Equatable, Encodable {
    /// Image reference.
    public var image: String
    /// `NAME=value` entries.
    public var environment: [String]
    /// Labels.
    public var labels: [String: String]
    /// Command override (nil: the image's CMD).
    public var command: [String]?
    /// Entrypoint override (nil: the image's ENTRYPOINT).
    public var entrypoint: [String]?
    /// Ports to expose, e.g. `8080/tcp`.
    public var exposedPorts: [String]
    /// Memory limit in bytes (nil: unlimited).
    public var memoryBytes: Int?
    /// `no`, `always`, `on-failure`, `unless-stopped`.
    public var restartPolicy: String
    /// Network to attach at creation (nil: the default bridge).
    public var network: String?
    /// Aliases on `network`.
    public var networkAliases: [String]
    /// The network's full id, when `network` is one. Docker re-keys a new container's endpoint by the network's
    /// NAME and resolves that name again at start, which fails as "ambiguous" while two networks share it; the id
    /// in the endpoint settings is what start then uses instead.
    public var networkID: String?
    /// Container port (`8080/tcp`) → host address to publish on, with port 0 = any free port.
    public var publishedPorts: [String: PortBinding]
    /// Remove the container when it exits.
    public var autoRemove: Bool
    /// The container's log driver and its options (nil: the daemon's default), e.g. `json-file` with
    /// `max-size`/`max-file` so a long-running worker's log cannot grow without bound.
    public var logConfig: LogConfig?

    /// Docker's `HostConfig.LogConfig`.
    public struct LogConfig: Sendable, Equatable, Encodable {
        /// Driver name (`json-file`, `local`, ...).
        public var type: String
        /// Driver options (`max-size`, `max-file`, ...).
        public var options: [String: String]

        /// A log configuration.
        public init(type: String, options: [String: String] = [:]) {
            self.type = type
            self.options = options
        }

        enum CodingKeys: String, CodingKey {
            case type = "Type"
            case options = "Config"
        }
    }

    /// A host address and port for a published container port.
    public struct PortBinding: Sendable, Equatable, Encodable {
        /// Host address, e.g. `127.0.0.1`.
        public var hostIP: String
        /// Host port; 0 lets the daemon pick.
        public var hostPort: Int

        /// A binding; `hostPort` 0 asks the daemon for a free port.
        public init(hostIP: String, hostPort: Int = 0) {
            self.hostIP = hostIP
            self.hostPort = hostPort
        }

        enum CodingKeys: String, CodingKey {
            case hostIP = "HostIp"
            case hostPort = "HostPort"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(hostIP, forKey: .hostIP)
            // Docker reads an empty HostPort as "pick one".
            try c.encode(hostPort == 0 ? "" : String(hostPort), forKey: .hostPort)
        }
    }

    /// A spec with Docker's defaults for everything but the image.
    public init(
        image: String, environment: [String] = [], labels: [String: String] = [:], command: [String]? = nil,
        entrypoint: [String]? = nil,
        exposedPorts: [String] = [], memoryBytes: Int? = nil, restartPolicy: String = "no", network: String? = nil,
        networkAliases: [String] = [], publishedPorts: [String: PortBinding] = [:], autoRemove: Bool = false,
        logConfig: LogConfig? = nil
    ) {
        self.image = image
        self.environment = environment
        self.labels = labels
        self.command = command
        self.entrypoint = entrypoint
        self.exposedPorts = exposedPorts
        self.memoryBytes = memoryBytes
        self.restartPolicy = restartPolicy
        self.network = network
        self.networkAliases = networkAliases
        self.publishedPorts = publishedPorts
        self.autoRemove = autoRemove
        self.logConfig = logConfig
    }

    private enum Keys: String, CodingKey {
        case image = "Image", env = "Env", labels = "Labels", cmd = "Cmd", entrypoint = "Entrypoint"
        case exposedPorts = "ExposedPorts"
        case hostConfig = "HostConfig", networkingConfig = "NetworkingConfig"
    }

    private struct Empty: Encodable {}

    private struct HostConfig: Encodable {
        let Memory: Int?
        let RestartPolicy: [String: String]
        let NetworkMode: String?
        let PortBindings: [String: [PortBinding]]?
        let AutoRemove: Bool
        let LogConfig: LogConfig?
    }

    private struct EndpointConfig: Encodable {
        let Aliases: [String]?
        let NetworkID: String?
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(image, forKey: .image)
        try c.encode(environment, forKey: .env)
        try c.encode(labels, forKey: .labels)
        try c.encodeIfPresent(command, forKey: .cmd)
        try c.encodeIfPresent(entrypoint, forKey: .entrypoint)
        let exposed = Set(exposedPorts).union(publishedPorts.keys)
        try c.encode(Dictionary(uniqueKeysWithValues: exposed.map { ($0, Empty()) }), forKey: .exposedPorts)
        let host = HostConfig(
            Memory: memoryBytes, RestartPolicy: ["Name": restartPolicy], NetworkMode: network,
            PortBindings: publishedPorts.isEmpty ? nil : publishedPorts.mapValues { [$0] }, AutoRemove: autoRemove,
            LogConfig: logConfig)
        try c.encode(host, forKey: .hostConfig)
        if let network {
            let endpoint = EndpointConfig(Aliases: networkAliases.isEmpty ? nil : networkAliases, NetworkID: networkID)
            try c.encode(["EndpointsConfig": [network: endpoint]], forKey: .networkingConfig)
        }
    }
}
