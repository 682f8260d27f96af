/// What `GET /containers/{id}/json` tells about a container (the fields this project reads).
public struct ContainerDetails: Sendable, Equatable, Decodable {
    /// Full id.
    public let id: String
    /// Name without Docker's leading `/`.
    public let name: String
    /// Creation time as Docker writes it (RFC 3339 with nanoseconds).
    public let created: String
    /// The image id (`sha256:...`).
    public let imageID: String
    /// The image reference it was created from.
    public let imageReference: String
    /// Labels.
    public let labels: [String: String]
    /// `NAME=value` entries.
    public let environment: [String]
    /// Run state.
    public let state: State
    /// Network name → the container's address on it.
    public let networks: [String: NetworkEndpoint]
    /// Container port (`8080/tcp`) → where it is published on the host.
    public let publishedPorts: [String: [HostPort]]

    /// `State` of the inspect answer.
    public struct State: Sendable, Equatable, Decodable {
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

        enum CodingKeys: String, CodingKey {
            case status = "Status", running = "Running", paused = "Paused", oomKilled = "OOMKilled", exitCode =
                "ExitCode"
        }
    }

    /// The container's endpoint on one network.
    public struct NetworkEndpoint: Sendable, Equatable, Decodable {
        /// IPv4 address (empty while not running).
        public let ipAddress: String
        /// The network's id.
        public let networkID: String?

        enum CodingKeys: String, CodingKey {
            case ipAddress = "IPAddress", networkID = "NetworkID"
        }
    }

    /// One host binding of a published port.
    public struct HostPort: Sendable, Equatable, Decodable {
        /// Host address (`127.0.0.1`, `0.0.0.0`, `::`).
        public let hostIP: String
        /// Host port.
        public let hostPort: Int

        enum CodingKeys: String, CodingKey {
            case hostIP = "HostIp", hostPort = "HostPort"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            hostIP = try c.decodeIfPresent(String.self, forKey: .hostIP) ?? ""
            hostPort = Int(try c.decodeIfPresent(String.self, forKey: .hostPort) ?? "") ?? 0
        }
    }

    private enum Keys: String, CodingKey {
        case id = "Id", name = "Name", created = "Created", image = "Image", config = "Config", state = "State"
        case networkSettings = "NetworkSettings"
    }

    private struct Config: Decodable {
        let Image: String?
        let Labels: [String: String]?
        let Env: [String]?
    }

    private struct NetworkSettings: Decodable {
        let Networks: [String: NetworkEndpoint]?
        let Ports: [String: [HostPort]?]?
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        id = try c.decode(String.self, forKey: .id)
        let rawName = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        name = rawName.hasPrefix("/") ? String(rawName.dropFirst()) : rawName
        created = try c.decodeIfPresent(String.self, forKey: .created) ?? ""
        imageID = try c.decodeIfPresent(String.self, forKey: .image) ?? ""
        let config = try c.decodeIfPresent(Config.self, forKey: .config)
        imageReference = config?.Image ?? ""
        labels = config?.Labels ?? [:]
        environment = config?.Env ?? []
        state = try c.decode(State.self, forKey: .state)
        let settings = try c.decodeIfPresent(NetworkSettings.self, forKey: .networkSettings)
        networks = settings?.Networks ?? [:]
        publishedPorts = (settings?.Ports ?? [:]).compactMapValues { $0 }
    }
}
