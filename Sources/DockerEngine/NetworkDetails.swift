import BoxCore

/// What `GET /networks/{name}` tells about a network.
public struct NetworkDetails: Sendable, Equatable, DockerDecodable {
    /// Network id.
    public let id: String
    /// Name.
    public let name: String
    /// Driver (`bridge`).
    public let driver: String
    /// True for networks without outside access.
    public let isInternal: Bool
    /// Labels.
    public let labels: [String: String]
    /// Gateway address of the first IPAM config (how containers reach the host), when known.
    public let gateway: String?
    /// When the daemon created it (RFC 3339, as Docker writes it; "" when absent).
    public let created: String
    /// How many containers are attached (only `GET /networks/{id}` fills this; a list answers 0).
    public let containerCount: Int

    init?(json: JSONValue) {
        guard let id = json["Id"]?.stringValue else { return nil }
        self.id = id
        name = json.text("Name")
        driver = json.text("Driver")
        isInternal = json["Internal"]?.boolValue ?? false
        labels = json.dictionary("Labels", \.stringValue)
        gateway = json.member("IPAM")["Config"]?[0]?["Gateway"]?.stringValue
        created = json.text("Created")
        containerCount = json["Containers"]?.objectValue?.count ?? 0
    }
}
