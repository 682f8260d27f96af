import BoxCore

/// What `GET /images/{name}/json` tells about an image.
public struct ImageDetails: Sendable, Equatable, DockerDecodable {
    /// Image id (`sha256:...`).
    public let id: String
    /// Tags pointing at it.
    public let repoTags: [String]
    /// Creation time as Docker writes it.
    public let created: String?
    /// `amd64`, `arm64`, ...
    public let architecture: String?

    init?(json: JSONValue) {
        guard let id = json["Id"]?.stringValue else { return nil }
        self.id = id
        repoTags = json.texts("RepoTags")
        created = json["Created"]?.stringValue
        architecture = json["Architecture"]?.stringValue
    }
}
