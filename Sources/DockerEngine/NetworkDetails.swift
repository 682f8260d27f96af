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
    /// When the daemon created it (RFC 3339, as Docker writes it; "" when absent).
    public let created: String
    /// How many containers are attached (only `GET /networks/{id}` fills this; a list answers 0).
    public let containerCount: Int

    enum CodingKeys: String, CodingKey {
        case id = "Id", name = "Name", driver = "Driver", isInternal = "Internal", labels = "Labels", ipam = "IPAM"
        case created = "Created", containers = "Containers"
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
        created = try c.decodeIfPresent(String.self, forKey: .created) ?? ""
        containerCount = try c.decodeIfPresent([String: IgnoredValue].self, forKey: .containers)?.count ?? 0
    }

    /// A JSON value whose content does not matter here (only the keys of `Containers` are counted).
    private struct IgnoredValue: Decodable {
        init(from decoder: any Decoder) throws {}
    }
}
