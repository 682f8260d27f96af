/// Why a SigV4 request was refused (docs/contract.md §3.6). The gateway answers 403 with `x-amzn-ErrorType: errorType`
/// and `{"message": message}` — the type AWS SDKs turn into the matching exception.
public enum SigV4Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// No `Authorization` header in SigV4 form: no credentials at all.
    case missingAuthorization
    case unknownAccessKey(String)
    /// The `Authorization` header could not be parsed, or uses another algorithm.
    case malformedAuthorization(String)
    case missingDate
    /// `X-Amz-Date` is further than the allowed skew from the server's clock (seconds of difference).
    case clockSkew(Int64)
    /// The credential scope does not fit the request (date, service, terminator).
    case scopeMismatch(String)
    /// A header listed in `SignedHeaders` is absent (or `host` is not signed).
    case missingSignedHeader(String)
    case payloadHashMismatch
    case signatureMismatch

    /// `UnrecognizedClientException` (unknown key, no credentials) or `InvalidSignatureException` (the rest).
    public var errorType: String {
        switch self {
        case .missingAuthorization, .unknownAccessKey: "UnrecognizedClientException"
        default: "InvalidSignatureException"
        }
    }

    /// The client-facing message, worded like AWS's.
    public var message: String {
        switch self {
        case .missingAuthorization, .unknownAccessKey:
            "The security token included in the request is invalid."
        case .clockSkew:
            "Signature expired: the request time is more than 15 minutes away from the server time."
        default:
            "The request signature we calculated does not match the signature you provided. "
                + "Check your AWS Secret Access Key and signing method."
        }
    }

    /// The detail, for logs.
    public var description: String {
        switch self {
        case .missingAuthorization: "no SigV4 Authorization header"
        case .unknownAccessKey(let key): "unknown access key \(key)"
        case .malformedAuthorization(let why): "malformed Authorization header: \(why)"
        case .missingDate: "missing or invalid X-Amz-Date"
        case .clockSkew(let s): "clock skew of \(s) s"
        case .scopeMismatch(let why): "credential scope mismatch: \(why)"
        case .missingSignedHeader(let name): "signed header '\(name)' missing"
        case .payloadHashMismatch: "x-amz-content-sha256 does not match the body"
        case .signatureMismatch: "signature mismatch"
        }
    }
}
