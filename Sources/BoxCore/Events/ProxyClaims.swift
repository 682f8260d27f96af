/// The authenticated caller as the event's authorizer section shows it: the JWT's `sub` as `sub`,
/// `username` and `cognito:username` (what Cognito-fronted Lambda code reads), plus any extra claims.
public struct ProxyClaims: Sendable, Equatable {
    /// The token's `sub`.
    public var subject: String
    /// The user name; the subject unless given.
    public var username: String
    /// Further claims written after the standard ones (e.g. `iss`), in order.
    public var extra: JSONObject

    /// Claims for an authenticated subject.
    public init(subject: String, username: String? = nil, extra: JSONObject = [:]) {
        self.subject = subject
        self.username = username ?? subject
        self.extra = extra
    }

    /// Writes the claims object: `sub`, `username`, `cognito:username`, then the extras.
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("sub"); w.string(subject)
        w.key("username"); w.string(username)
        w.key("cognito:username"); w.string(username)
        for member in extra.members
        where member.key != "sub" && member.key != "username"
            && member.key != "cognito:username"
        {
            w.key(member.key)
            w.value(member.value)
        }
        w.endObject()
    }
}
