public import HTTP1
import ManagerAPI

/// Every failure the Manager reports to a caller, with the one function that maps it to HTTP.
public struct ManagerError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// Missing or wrong `X-ESB-Token`.
        case unauthorized
        /// The request is malformed (body not the documented JSON).
        case badRequest
        /// No such route.
        case routeNotFound
        /// A known path with another method.
        case methodNotAllowed
        /// `functions.yml` has no such function.
        case unknownFunction
        /// The function's image is not on the Docker host.
        case imageMissing
        /// No such worker.
        case unknownWorker
        /// The compatibility call found every worker of the function busy at its limit.
        case atLimit
        /// Docker cannot be reached (or keeps failing).
        case dockerUnavailable
        /// A new worker did not accept connections on its RIE port in time.
        case workerNotReady
        /// Anything else Docker refused.
        case dockerFailed
    }

    public let code: Code
    /// Said to the caller (no internals).
    public let message: String
    /// The image name, for `.imageMissing`.
    public let image: String?

    /// An error; `image` only for `.imageMissing`.
    public init(_ code: Code, _ message: String, image: String? = nil) {
        self.code = code
        self.message = message
        self.image = image
    }

    public var description: String { "\(code): \(message)" }

    /// The HTTP answer for this error: status and `{"message": ...}` (plus `image` for a missing image).
    public var httpResponse: HTTPResponse {
        let status =
            switch code {
            case .unauthorized: 401
            case .badRequest: 400
            case .routeNotFound, .unknownFunction, .imageMissing, .unknownWorker: 404
            case .methodNotAllowed: 405
            case .atLimit: 429
            case .dockerUnavailable, .workerNotReady: 503
            case .dockerFailed: 500
            }
        return jsonResponse(status: status, ErrorReply(message: message, image: image).body)
    }
}

func jsonResponse(status: Int, _ body: [UInt8]) -> HTTPResponse {
    HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
}
