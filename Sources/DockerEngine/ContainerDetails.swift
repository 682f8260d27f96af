import BoxCore

/// What `GET /containers/{id}/json` tells about a container (the fields this project reads).
public struct ContainerDetails: Sendable, Equatable, DockerDecodable {
    public let id: String
    /// Name without Docker's leading `/`.
    public let name: String
    /// Creation time as Docker writes it (RFC 3339 with nanoseconds).
    public let created: String
    /// The image id (`sha256:...`).
    public let imageID: String
    public let labels: [String: String]
    /// `NAME=value` entries.
    public let environment: [String]
    public let state: State
    /// Network name → the container's address on it.
    public let networks: [String: NetworkEndpoint]
    /// Container port (`8080/tcp`) → where it is published on the host.
    public let publishedPorts: [String: [HostPort]]

    /// `State` of the inspect answer.
    public struct State: Sendable, Equatable {
        /// `created`, `running`, `paused`, `restarting`, `removing`, `exited`, `dead`.
        public let status: String
        /// True while running (also while paused).
        public let running: Bool
        /// True while paused.
        public let paused: Bool
        /// True when the kernel's OOM killer ended it.
        public let oomKilled: Bool
        /// Exit code of the last run.
        public let exitCode: Int

        init(json: JSONValue) {
            status = json.text("Status")
            running = json["Running"]?.boolValue ?? false
            paused = json["Paused"]?.boolValue ?? false
            oomKilled = json["OOMKilled"]?.boolValue ?? false
            exitCode = json["ExitCode"]?.intValue ?? 0
        }
    }

    /// The container's endpoint on one network.
    public struct NetworkEndpoint: Sendable, Equatable {
        /// IPv4 address (empty while not running).
        public let ipAddress: String
        /// The network's id.
        public let networkID: String?

        init(json: JSONValue) {
            ipAddress = json.text("IPAddress")
            networkID = json["NetworkID"]?.stringValue
        }
    }

    /// One host binding of a published port.
    public struct HostPort: Sendable, Equatable {
        /// Host address (`127.0.0.1`, `0.0.0.0`, `::`).
        public let hostIP: String
        /// Host port.
        public let hostPort: Int

        init(json: JSONValue) {
            hostIP = json.text("HostIp")
            hostPort = Int(json.text("HostPort")) ?? 0
        }
    }

    init?(json: JSONValue) {
        guard let id = json["Id"]?.stringValue, let state = json["State"], state.objectValue != nil else { return nil }
        self.id = id
        let rawName = json.text("Name")
        name = rawName.hasPrefix("/") ? String(rawName.dropFirst()) : rawName
        created = json.text("Created")
        imageID = json.text("Image")
        let config = json.member("Config")
        labels = config.dictionary("Labels", \.stringValue)
        environment = config.texts("Env")
        self.state = State(json: state)
        let settings = json.member("NetworkSettings")
        networks = settings.dictionary("Networks", NetworkEndpoint.init(json:))
        // An unpublished exposed port is `null`: left out.
        publishedPorts = settings.dictionary("Ports") { $0.arrayValue?.map(HostPort.init(json:)) }
    }
}
