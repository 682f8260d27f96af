import BoxCore

/// One object of the `GET /events` stream.
public struct DockerEvent: Sendable, Equatable, DockerDecodable {
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

    /// An event (for tests and stand-ins).
    public init(type: String, action: String, actorID: String, attributes: [String: String] = [:], timeNano: Int64 = 0)
    {
        self.type = type
        self.action = action
        self.actorID = actorID
        self.attributes = attributes
        self.timeNano = timeNano
    }

    init?(json: JSONValue) {
        guard json.objectValue != nil else { return nil }
        let actor = json.member("Actor")
        self.init(
            type: json.text("Type"), action: json.text("Action"), actorID: actor.text("ID"),
            attributes: actor.dictionary("Attributes", \.stringValue), timeNano: Int64(json["timeNano"]?.intValue ?? 0))
    }
}
