import BoxCore

/// What `GET /images/{name}/json` tells about an image.
public struct ImageDetails: Sendable, Equatable, DockerDecodable {
    /// Image id (`sha256:...`).
    public let id: String

    init?(json: JSONValue) {
        guard let id = json["Id"]?.stringValue else { return nil }
        self.id = id
    }
}
