/// A failed Docker Engine API call, typed by what the caller can do about it.
///
/// The daemon's error body `{"message": "..."}` becomes `message`; transport failures become
/// `.daemonUnreachable`.
public struct DockerError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// 404: no such container, image or network.
        case notFound
        /// 409: name in use, container paused / not running for this operation, and the like.
        case conflict
        /// The daemon could not be reached or the connection broke (socket missing, daemon restarting).
        case daemonUnreachable
        /// The call did not finish within its deadline.
        case timedOut
        /// The daemon answered something this client could not decode.
        case invalidResponse
        /// The caller cancelled the call (task cancellation, or a stream's consumer went away).
        case cancelled
        /// The request could not be built (bad argument, unsupported DOCKER_HOST).
        case invalidRequest
        /// Any other status from the daemon (400, 500, ...).
        case other
    }

    public let code: Code
    /// The HTTP status the daemon answered, when it answered.
    public let status: Int?
    /// The daemon's `message`, or a description of the transport failure.
    public let message: String

    /// An error with a code, a message and (when the daemon answered) its status.
    public init(_ code: Code, status: Int? = nil, message: String) {
        self.code = code
        self.status = status
        self.message = message
    }

    /// Maps a daemon answer with a non-success status to an error, reading Docker's `{"message": ...}`.
    static func fromResponse(status: Int, body: [UInt8]) -> DockerError {
        let message = DockerJSON.errorMessage(in: body) ?? "HTTP \(status)"
        switch status {
        case 404: return DockerError(.notFound, status: status, message: message)
        case 409: return DockerError(.conflict, status: status, message: message)
        default: return DockerError(.other, status: status, message: message)
        }
    }

    /// `code: message` (with the status when there is one).
    public var description: String {
        if let status { return "docker \(code) (\(status)): \(message)" }
        return "docker \(code): \(message)"
    }
}
