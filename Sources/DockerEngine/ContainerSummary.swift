/// One entry of `GET /containers/json`.
public struct ContainerSummary: Sendable, Equatable, Decodable {
    /// Full container id.
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
    /// Labels.
    public let labels: [String: String]
    /// Creation time, Unix seconds.
    public let created: Int?

    /// The first name without Docker's leading `/`.
    public var name: String {
        let first = names.first ?? ""
        return first.hasPrefix("/") ? String(first.dropFirst()) : first
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case names = "Names"
        case image = "Image"
        case imageID = "ImageID"
        case state = "State"
        case status = "Status"
        case labels = "Labels"
        case created = "Created"
    }

    /// Decodes leniently: Docker sends `null` for empty label maps and name lists.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        names = try c.decodeIfPresent([String].self, forKey: .names) ?? []
        image = try c.decodeIfPresent(String.self, forKey: .image) ?? ""
        imageID = try c.decodeIfPresent(String.self, forKey: .imageID)
        state = try c.decodeIfPresent(String.self, forKey: .state) ?? ""
        status = try c.decodeIfPresent(String.self, forKey: .status)
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        created = try c.decodeIfPresent(Int.self, forKey: .created)
    }
}
