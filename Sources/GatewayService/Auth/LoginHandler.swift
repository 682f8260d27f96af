import BoxCore
import BoxCrypto
public import HTTP1

/// `POST {AUTH_ENDPOINT_PATH}` (docs/contract.md §3.3), in this order: wrong or missing `x-api-key` → 401 without
/// `PADMA_USER_AUTHORIZED`; malformed body → 400; wrong user or password → 401 with `PADMA_USER_AUTHORIZED: true`;
/// success → 200 with the header and `{"AuthenticationResult":{"IdToken","ExpiresIn","TokenType"}}`.
/// Every secret comparison is constant-time.
public struct LoginHandler: Sendable {
    /// The reference implementation's login path, served as well as `AUTH_ENDPOINT_PATH`.
    public static let legacyPath = "/user/auth/v1"

    let apiKey: String?
    let user: String?
    let password: String?
    let lifetime: Int
    let tokens: TokenAuthority

    /// A handler for the environment's credentials.
    public init(environment: GatewayEnvironment, tokens: TokenAuthority) {
        apiKey = environment.apiKey
        user = environment.authUser
        password = environment.authPass
        lifetime = environment.jwtExpiresDelta
        self.tokens = tokens
    }

    /// Answers one login request.
    public func handle(_ request: HTTPRequest) throws(GatewayError) -> HTTPResponse {
        // Unset secrets never match anything (not even an empty header).
        try checkAPIKey(request.headers)
        guard let body = try? JSONValue(parsing: request.body, maxDepth: 8),
            let params = body["AuthParameters"], params.objectValue != nil,
            let username = params["USERNAME"]?.stringValue, let pass = params["PASSWORD"]?.stringValue
        else { throw .badRequest }
        // Both comparisons always run, so the timing does not tell which one failed.
        let userOK = user.map { constantTimeEquals(username, $0) } ?? false
        let passOK = password.map { constantTimeEquals(pass, $0) } ?? false
        guard userOK, passOK else { throw .loginRejected }
        let token = tokens.issue(subject: username)
        let text =
            "{\"AuthenticationResult\":{\"IdToken\":\(JSONText.quote(token)),\"ExpiresIn\":\(lifetime),\"TokenType\":\"Bearer\"}}"
        var headers = HTTPHeaders()
        headers.add(name: "PADMA_USER_AUTHORIZED", value: "true")
        headers.add(name: "Cache-Control", value: "no-store")
        return HTTPResponse(status: 200, contentType: "application/json", text: text, headers: headers)
    }
}
