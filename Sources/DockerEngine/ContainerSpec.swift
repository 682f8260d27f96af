import BoxCore

/// The body of `POST /containers/create`: the subset of Docker's container config this project sets.
public struct ContainerSpec: Sendable, Equatable {
    public var image: String
    /// `NAME=value` entries.
    public var environment: [String]
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
    /// The network's full id, when `network` is one. Docker re-keys a new container's endpoint by the network's
    /// NAME and resolves that name again at start, which fails as "ambiguous" while two networks share it; the id
    /// in the endpoint settings is what start then uses instead.
    public var networkID: String?
    /// Container port (`8080/tcp`) → host address to publish on, with port 0 = any free port.
    public var publishedPorts: [String: PortBinding]
    /// The container's log driver and its options (nil: the daemon's default), e.g. `json-file` with
    /// `max-size`/`max-file` so a long-running worker's log cannot grow without bound.
    public var logConfig: LogConfig?

    /// Docker's `HostConfig.LogConfig`.
    public struct LogConfig: Sendable, Equatable {
        /// Driver name (`json-file`, `local`, ...).
        public var type: String
        /// Driver options (`max-size`, `max-file`, ...).
        public var options: [String: String]

        public init(type: String, options: [String: String] = [:]) {
            self.type = type
            self.options = options
        }

        var json: JSONValue { ["Type": .string(type), "Config": DockerJSON.object(options)] }
    }

    /// A host address and port for a published container port.
    public struct PortBinding: Sendable, Equatable {
        /// Host address, e.g. `127.0.0.1`.
        public var hostIP: String
        /// Host port; 0 lets the daemon pick.
        public var hostPort: Int

        /// A binding; `hostPort` 0 asks the daemon for a free port.
        public init(hostIP: String, hostPort: Int = 0) {
            self.hostIP = hostIP
            self.hostPort = hostPort
        }

        // Docker reads an empty HostPort as "pick one".
        var json: JSONValue { ["HostIp": .string(hostIP), "HostPort": .string(hostPort == 0 ? "" : String(hostPort))] }
    }

    /// A spec with Docker's defaults for everything but the image.
    public init(
        image: String, environment: [String] = [], labels: [String: String] = [:], command: [String]? = nil,
        entrypoint: [String]? = nil,
        exposedPorts: [String] = [], memoryBytes: Int? = nil, restartPolicy: String = "no", network: String? = nil,
        publishedPorts: [String: PortBinding] = [:], logConfig: LogConfig? = nil
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
        self.publishedPorts = publishedPorts
        self.logConfig = logConfig
    }

    /// The create body with Docker's keys (members left out when nil, as Docker's defaults apply then).
    var json: JSONValue {
        var host: JSONObject = ["RestartPolicy": ["Name": .string(restartPolicy)]]
        host["Memory"] = memoryBytes.map(JSONValue.int)
        host["NetworkMode"] = network.map(JSONValue.string)
        host["PortBindings"] = publishedPorts.isEmpty ? nil : DockerJSON.object(publishedPorts) { [$0.json] }
        host["LogConfig"] = logConfig?.json
        var body: JSONObject = ["Image": .string(image), "Env": DockerJSON.strings(environment)]
        body["Labels"] = DockerJSON.object(labels)
        body["Cmd"] = command.map(DockerJSON.strings)
        body["Entrypoint"] = entrypoint.map(DockerJSON.strings)
        let exposed = Set(exposedPorts).union(publishedPorts.keys)
        body["ExposedPorts"] = .object(JSONObject(exposed.sorted().map { ($0, [:]) }))
        body["HostConfig"] = .object(host)
        if let network {
            let endpoint: JSONValue = networkID.map { ["NetworkID": .string($0)] } ?? [:]
            body["NetworkingConfig"] = ["EndpointsConfig": .object([network: endpoint])]
        }
        return .object(body)
    }
}
