/// The authenticated caller as the event's authorizer section shows it: the JWT's `sub` as `sub`, `username` and
/// `cognito:username` (what Cognito-fronted Lambda code reads).
public struct ProxyClaims: Sendable, Equatable {
    /// The token's `sub`.
    public var subject: String

    public init(subject: String) { self.subject = subject }

    /// Writes the claims object: `sub`, `username`, `cognito:username`.
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key(.sub); w.string(subject)
        w.key(.username); w.string(subject)
        w.key(.cognitoUsername); w.string(subject)
        w.endObject()
    }
}
