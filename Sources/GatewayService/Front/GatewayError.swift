public import HTTP1

/// Every error the gateway answers with. `response` is the ONE place that turns an error into a status, headers
/// and body (docs/contract.md §3.10 wording for `{"message": ...}`; AWS error shapes for the Invoke API, §3.6).
public enum GatewayError: Error, Sendable, Equatable {
    /// 400 `Bad Request`: malformed login body, undecodable request.
    case badRequest
    /// 401 `Unauthorized`: missing or invalid token, wrong `x-api-key`.
    case unauthorized
    /// Login with a valid `x-api-key` but a wrong user or password: 401 with `PADMA_USER_AUTHORIZED: true` (§3.3).
    case loginRejected
    /// 403 `Forbidden`.
    case forbidden
    /// 404 `Not Found`: no route for the path.
    case notFound
    /// A path that is routed, but not for this method; `allowed` fills the `Allow` header.
    case methodNotAllowed(allowed: [String])
    /// 408 `Request Timeout`.
    case requestTimeout
    /// 413 `Request Entity Too Large`: body over `MAX_BODY_BYTES`, or an event over Lambda's 6 MiB payload limit.
    case payloadTooLarge
    /// 429 `Too Many Requests` (+ `Retry-After: 1`): no worker within `POOL_ACQUIRE_TIMEOUT`.
    case tooManyRequests
    /// 431 `Request Header Fields Too Large`.
    case headerFieldsTooLarge
    /// 500 `Internal server error`.
    case internalError
    /// Function error, malformed proxy result, unreachable or broken worker, missing image.
    case badGateway
    /// 503 `Service Unavailable`: the Manager cannot provide a worker.
    case serviceUnavailable
    /// 504 `Endpoint request timed out`: the function ran past its `timeout`.
    case gatewayTimeout
    /// An Invoke API error in the shape AWS SDKs parse (`x-amzn-ErrorType` + `{"Type":"User","message":...}`);
    /// `status` overrides the code's usual status (a `ServiceException` may be 502 or 503).
    case aws(AWSErrorType, message: String, status: Int? = nil)

    /// The AWS error codes the Invoke API answers with.
    public enum AWSErrorType: String, Sendable {
        /// 404: unknown function or version.
        case resourceNotFound = "ResourceNotFoundException"
        /// 429: throttled.
        case tooManyRequests = "TooManyRequestsException"
        /// 413: payload over the limit.
        case requestTooLarge = "RequestTooLargeException"
        /// 403: unknown key or no credentials.
        case unrecognizedClient = "UnrecognizedClientException"
        /// 403: bad signature or clock skew.
        case invalidSignature = "InvalidSignatureException"
        /// 400: unusable payload.
        case invalidRequestContent = "InvalidRequestContentException"
        /// 400: bad parameter.
        case invalidParameterValue = "InvalidParameterValueException"
        /// 400: a request field outside its constraint (`1 validation error detected: ...`): an unknown invocation
        /// type, a function name that cannot be one.
        case validation = "ValidationException"
        /// 500 (or the given status): the box failed.
        case service = "ServiceException"
        /// 502: the function cannot run yet.
        case resourceNotReady = "ResourceNotReadyException"

        /// The status AWS Lambda answers with for this code.
        var status: Int {
            switch self {
            case .resourceNotFound: 404
            case .tooManyRequests: 429
            case .requestTooLarge: 413
            case .unrecognizedClient, .invalidSignature: 403
            case .invalidRequestContent, .invalidParameterValue, .validation: 400
            case .service: 500
            case .resourceNotReady: 502
            }
        }

        /// `User` for client mistakes, `Service` for ours (the `Type` field AWS sends).
        var kind: String {
            switch self {
            case .service, .resourceNotReady: "Service"
            default: "User"
            }
        }
    }

    /// The HTTP status of this error.
    public var status: Int {
        switch self {
        case .badRequest: 400
        case .unauthorized, .loginRejected: 401
        case .forbidden: 403
        case .notFound: 404
        case .methodNotAllowed: 405
        case .requestTimeout: 408
        case .payloadTooLarge: 413
        case .tooManyRequests: 429
        case .headerFieldsTooLarge: 431
        case .internalError: 500
        case .badGateway: 502
        case .serviceUnavailable: 503
        case .gatewayTimeout: 504
        case .aws(let type, _, let status): status ?? type.status
        }
    }

    /// The response a client sees for this error (the only mapping of errors to HTTP in the gateway).
    public var response: HTTPResponse {
        var headers = HTTPHeaders()
        let message: String
        switch self {
        case .badRequest: message = "Bad Request"
        case .unauthorized: message = "Unauthorized"
        case .loginRejected:
            message = "Unauthorized"
            headers.add(name: "PADMA_USER_AUTHORIZED", value: "true")
        case .forbidden: message = "Forbidden"
        case .notFound: message = "Not Found"
        case .methodNotAllowed(let allowed):
            message = "Method Not Allowed"
            headers.add(name: "Allow", value: allowed.joined(separator: ", "))
        case .requestTimeout: message = "Request Timeout"
        case .payloadTooLarge: message = "Request Entity Too Large"
        case .tooManyRequests:
            message = "Too Many Requests"
            headers.add(name: "Retry-After", value: "1")
        case .headerFieldsTooLarge: message = "Request Header Fields Too Large"
        case .internalError, .badGateway: message = "Internal server error"
        case .serviceUnavailable: message = "Service Unavailable"
        case .gatewayTimeout: message = "Endpoint request timed out"
        case .aws(let type, let awsMessage, _):
            headers.add(name: "x-amzn-ErrorType", value: type.rawValue)
            if type == .tooManyRequests { headers.add(name: "Retry-After", value: "1") }
            let body = "{\"Type\":\"\(type.kind)\",\"message\":\(JSONText.quote(awsMessage))}"
            return HTTPResponse(status: status, contentType: "application/json", text: body, headers: headers)
        }
        return HTTPResponse(
            status: status, contentType: "application/json", text: "{\"message\":\(JSONText.quote(message))}",
            headers: headers)
    }
}
