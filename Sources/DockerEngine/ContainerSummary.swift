import BoxCore

/// One entry of `GET /containers/json`.
public struct ContainerSummary: Sendable, Equatable, DockerDecodable {
    public let id: String
    /// Names with Docker's leading `/`.
    public let names: [String]
    /// The image reference the container was created from.
    public let image: String
    /// The image id (`sha256:...`).
    public let imageID: String?
    /// `created`, `running`, `paused`, `restarting`, `removing`, `exited`, `dead`.
    public let state: String
    /// Human status text (`Up 3 minutes`).
    public let status: String?
    public let labels: [String: String]
    /// Creation time, Unix seconds.
    public let created: Int?

    /// The first name without Docker's leading `/`.
    public var name: String {
        let first = names.first ?? ""
        return first.hasPrefix("/") ? String(first.dropFirst()) : first
    }

    init?(json: JSONValue) {
        guard let id = json["Id"]?.stringValue else { return nil }
        self.id = id
        names = json.texts("Names")
        image = json.text("Image")
        imageID = json["ImageID"]?.stringValue
        state = json.text("State")
        status = json["Status"]?.stringValue
        labels = json.dictionary("Labels", \.stringValue)
        created = json["Created"]?.intValue
    }
}
