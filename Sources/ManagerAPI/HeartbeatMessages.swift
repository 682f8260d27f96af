import BoxCore

/// `POST /v1/workers/heartbeat` body: `{"leased":[ids],"released":[ids]}` (docs/manager-api.md).
public struct HeartbeatRequest: Sendable, Equatable {
    /// Leases to renew (or claim).
    public var leased: [WorkerID]
    /// Leases to end.
    public var released: [WorkerID]

    public init(leased: [WorkerID], released: [WorkerID]) {
        self.leased = leased
        self.released = released
    }

    /// Reads a body; both lists are optional.
    public init(body: [UInt8]) throws(ManagerAPIError) {
        let object = try APIBody.object(body, allowEmpty: true)
        leased = try APIBody.ids(object?["leased"], name: "leased")
        released = try APIBody.ids(object?["released"], name: "released")
    }

    public var body: [UInt8] {
        APIBody.serialize(capacity: 32 + 70 * (leased.count + released.count)) { w in
            APIBody.write(ids: leased, key: "leased", to: &w)
            APIBody.write(ids: released, key: "released", to: &w)
        }
    }
}

/// The heartbeat's answer: `{"revoked":[ids]}`, plus `"paused":{"<function>":n}` when any worker is paused.
public struct HeartbeatReply: Sendable, Equatable {
    /// Workers the caller listed that it must drop at once.
    public var revoked: [WorkerID]
    /// The Manager's paused workers per function (functions with none absent).
    public var paused: [String: Int]

    public init(revoked: [WorkerID], paused: [String: Int] = [:]) {
        self.revoked = revoked
        self.paused = paused
    }

    /// Reads an answer; both fields are optional.
    public init(body: [UInt8]) throws(ManagerAPIError) {
        let object = try APIBody.object(body, allowEmpty: false)
        revoked = try APIBody.ids(object?["revoked"], name: "revoked")
        var paused: [String: Int] = [:]
        if let counts = object?["paused"]?.objectValue {
            for member in counts {
                guard let n = member.value.intValue else {
                    throw ManagerAPIError("paused counts must be whole numbers")
                }
                paused[member.key] = n
            }
        }
        self.paused = paused
    }

    /// The body; `paused` only when some worker is paused (the answer stays exactly `{"revoked":[...]}` otherwise),
    /// its functions in name order.
    public var body: [UInt8] {
        APIBody.serialize { w in
            APIBody.write(ids: revoked, key: "revoked", to: &w)
            guard !paused.isEmpty else { return }
            w.key("paused")
            w.beginObject()
            for (function, n) in paused.sorted(by: { $0.key < $1.key }) {
                w.key(function)
                w.int(n)
            }
            w.endObject()
        }
    }
}

/// Every error body: `{"message": "..."}`, plus `image` when the function's image is missing.
public struct ErrorReply: Sendable, Equatable {
    /// Said to the caller.
    public var message: String
    /// The missing image, for that 404.
    public var image: String?

    public init(message: String, image: String? = nil) {
        self.message = message
        self.image = image
    }

    /// Reads an error body: `message` (or `error`, as other servers write it), else the body's first 200 bytes as
    /// text; `image` only from a JSON object.
    public init(body: [UInt8]) {
        let object = try? JSONValue(parsing: body).objectValue
        let message = object?["message"]?.stringValue ?? object?["error"]?.stringValue
        self.init(
            message: message ?? String(decoding: body.prefix(200), as: UTF8.self), image: object?["image"]?.stringValue)
    }

    public var body: [UInt8] {
        APIBody.serialize(capacity: 64 + message.utf8.count) { w in
            w.key("message"); w.string(message)
            if let image { w.key("image"); w.string(image) }
        }
    }
}
