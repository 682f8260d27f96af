/// Why a token was refused. The gateway answers every case with 401 `Unauthorized`; the case is for logs.
public enum JWTError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Longer than `JWT.maxTokenBytes`.
    case tooLong
    /// Not three dot-separated segments (or an empty header/payload segment).
    case malformed
    /// A segment that is not canonical unpadded base64url.
    case invalidBase64
    /// The header or the payload is not a JSON object.
    case invalidJSON
    /// `alg` missing or other than `HS256` (`none`, `HS512`, `RS256`, ...); carries what was sent.
    case unsupportedAlgorithm(String?)
    /// A `crit` header: we understand no extensions, so RFC 7515 §4.1.11 says refuse.
    case unsupportedCriticalHeader
    case badSignature
    case missingExpiry
    /// `exp` (plus leeway) has passed.
    case expired
    /// `nbf` (minus leeway) is still in the future.
    case notYetValid
    /// `iat` is more than the allowed skew in the future.
    case issuedInFuture
    /// `sub` missing, empty or not a string.
    case missingSubject
    /// A registered claim of the wrong JSON type (e.g. `exp` as a string); carries the claim name.
    case invalidClaim(String)

    public var description: String {
        switch self {
        case .tooLong: "token too long"
        case .malformed: "malformed token"
        case .invalidBase64: "token segment is not base64url"
        case .invalidJSON: "token header or payload is not a JSON object"
        case .unsupportedAlgorithm(let alg): "unsupported alg \(alg.map { "'\($0)'" } ?? "(missing)")"
        case .unsupportedCriticalHeader: "unsupported crit header"
        case .badSignature: "bad signature"
        case .missingExpiry: "no exp claim"
        case .expired: "token expired"
        case .notYetValid: "token not yet valid (nbf)"
        case .issuedInFuture: "token issued in the future (iat)"
        case .missingSubject: "no sub claim"
        case .invalidClaim(let name): "claim '\(name)' has the wrong type"
        }
    }
}
