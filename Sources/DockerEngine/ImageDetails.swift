/// What `GET /images/{name}/json` tells about an image.
public struct ImageDetails: Sendable, Equatable, Decodable {
    /// Image id (`sha256:...`).
    public let id: String
    /// Tags pointing at it.
    public let repoTags: [String]
    /// Creation time as Docker writes it.
    public let created: String?
    /// `amd64`, `arm64`, ...
    public let architecture: String?

    enum CodingKeys: String, CodingKey {
        case id = "Id", repoTags = "RepoTags", created = "Created", architecture = "Architecture"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        repoTags = try c.decodeIfPresent([String].self, forKey: .repoTags) ?? []
        created = try c.decodeIfPresent(String.self, forKey: .created)
        architecture = try c.decodeIfPresent(String.self, forKey: .architecture)
    }
}
