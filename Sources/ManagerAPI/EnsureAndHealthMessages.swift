import BoxCore

/// `POST /containers/ensure` body: `{"function_name": "<name>", ...}` (the reference's call; other fields ignored).
public struct EnsureRequest: Sendable, Equatable {
    /// The function a worker is wanted for.
    public var functionName: String

    /// Reads a body; the name is required and not empty.
    public init(body: [UInt8]) throws(ManagerAPIError) {
        guard let name = try APIBody.object(body, allowEmpty: false)?["function_name"]?.stringValue, !name.isEmpty
        else {
            throw ManagerAPIError("function_name is required")
        }
        functionName = name
    }
}

/// The ensure answer: `{"host": "...", "port": N}`.
public struct EnsureReply: Sendable, Equatable {
    /// Where the worker's RIE listens.
    public var host: String
    /// Its port.
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var body: [UInt8] {
        APIBody.serialize(capacity: 48) {
            $0.key("host"); $0.string(host); $0.key("port"); $0.int(port)
        }
    }
}

/// `GET /health`: `{"status":"healthy","docker":"<engine version>"}` or `{"status":"unhealthy","message":"..."}`.
public enum HealthReply: Sendable, Equatable {
    /// The engine answered with this version.
    case healthy(engineVersion: String)
    /// It did not.
    case unhealthy(message: String)

    public var body: [UInt8] {
        APIBody.serialize(capacity: 64) { w in
            switch self {
            case .healthy(let version):
                w.key("status"); w.string("healthy")
                w.key("docker"); w.string(version)
            case .unhealthy(let message):
                w.key("status"); w.string("unhealthy")
                w.key("message"); w.string(message)
            }
        }
    }
}
