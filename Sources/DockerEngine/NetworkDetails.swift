import BoxCore

/// What `GET /networks/{name}` tells about a network.
public struct NetworkDetails: Sendable, Equatable, DockerDecodable {
    public let id: String
    public let name: String
    /// Driver (`bridge`).
    public let driver: String
    public let labels: [String: String]
    /// When the daemon created it (RFC 3339, as Docker writes it; "" when absent).
    public let created: String
    /// How many containers are attached (only `GET /networks/{id}` fills this; a list answers 0).
    public let containerCount: Int

    init?(json: JSONValue) {
        guard let id = json["Id"]?.stringValue else { return nil }
        self.id = id
        name = json.text("Name")
        driver = json.text("Driver")
        labels = json.dictionary("Labels", \.stringValue)
        created = json.text("Created")
        containerCount = json["Containers"]?.objectValue?.count ?? 0
    }
}
