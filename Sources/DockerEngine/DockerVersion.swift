/// What `GET /version` tells about the daemon.
public struct DockerVersion: Sendable, Equatable, Decodable {
    /// Engine version, e.g. `20.10.24+dfsg1`.
    public let version: String
    /// Newest API version the daemon speaks, e.g. `1.41`.
    public let apiVersion: String
    /// Oldest API version the daemon accepts.
    public let minAPIVersion: String?
    /// `linux`.
    public let os: String?
    /// `amd64`, `arm64`, ...
    public let arch: String?

    enum CodingKeys: String, CodingKey {
        case version = "Version"
        case apiVersion = "ApiVersion"
        case minAPIVersion = "MinAPIVersion"
        case os = "Os"
        case arch = "Arch"
    }
}
