/// One object of the `GET /events` stream.
public struct DockerEvent: Sendable, Equatable, Decodable {
    /// `container`, `image`, `network`, ...
    public let type: String
    /// `create`, `start`, `die`, `oom`, `kill`, `pause`, `unpause`, `destroy`, ...
    public let action: String
    /// The object's id (the container id for container events).
    public let actorID: String
    /// Attributes: labels, `name`, `image`, `exitCode`, `signal`.
    public let attributes: [String: String]
    /// Unix time in nanoseconds.
    public let timeNano: Int64

    enum CodingKeys: String, CodingKey {
        case type = "Type", action = "Action", actor = "Actor", timeNano
    }

    private struct Actor: Decodable {
        let ID: String?
        let Attributes: [String: String]?
    }

    /// An event (for tests and stand-ins).
    public init(type: String, action: String, actorID: String, attributes: [String: String] = [:], timeNano: Int64 = 0)
    {
        self.type = type
        self.action = action
        self.actorID = actorID
        self.attributes = attributes
        self.timeNano = timeNano
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decodeIfPresent(String.self, forKey: .type) ?? ""
        action = try c.decodeIfPresent(String.self, forKey: .action) ?? ""
        let actor = try c.decodeIfPresent(Actor.self, forKey: .actor)
        actorID = actor?.ID ?? ""
        attributes = actor?.Attributes ?? [:]
        timeNano = try c.decodeIfPresent(Int64.self, forKey: .timeNano) ?? 0
    }
}
