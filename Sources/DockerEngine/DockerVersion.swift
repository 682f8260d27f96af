import BoxCore

/// What `GET /version` tells about the daemon.
public struct DockerVersion: Sendable, Equatable, DockerDecodable {
    /// Engine version, e.g. `20.10.24+dfsg1`.
    public let version: String
    /// Newest API version the daemon speaks, e.g. `1.41`.
    public let apiVersion: String

    init?(json: JSONValue) {
        guard let version = json["Version"]?.stringValue, let apiVersion = json["ApiVersion"]?.stringValue else {
            return nil
        }
        self.version = version
        self.apiVersion = apiVersion
    }
}
