/// What `GET /networks/{name}` tells about a network.
public struct NetworkDetails: Sendable, Equatable, Decodable {
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

    enum CodingKeys: String, CodingKey {
        case id = "Id", name = "Name", driver = "Driver", isInternal = "Internal", labels = "Labels", ipam = "IPAM"
    }

    private struct IPAM: Decodable {
        struct Config: Decodable { let Gateway: String? }
        let Config: [Config]?
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        driver = try c.decodeIfPresent(String.self, forKey: .driver) ?? ""
        isInternal = try c.decodeIfPresent(Bool.self, forKey: .isInternal) ?? false
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        gateway = try c.decodeIfPresent(IPAM.self, forKey: .ipam)?.Config?.first?.Gateway
    }
}
