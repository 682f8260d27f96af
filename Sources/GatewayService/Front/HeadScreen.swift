public import HTTP1
public import Reactor
import BoxCore
import Telemetry
import BoxCrypto
import Posix

/// Authentication decided from the request head, before the body is read (docs/gateway.md, "Uploads"): the
/// server calls this for every request that has a body, and a refusal is answered at once and the connection
/// closed, so an unauthenticated client cannot make the gateway hold its upload.
///
/// It repeats the checks `route` makes first — the login's `x-api-key`, the Invoke API's SigV4 key id, date and
/// scope or its Bearer token, a route's JWT — and answers exactly what `handle` would have (same status, body,
/// ids, metrics and access-log line). Anything the head cannot decide (a signature over the body, the login's
/// user and password) is left to `handle`.
extension GatewayDispatcher {
    /// The answer for a request refused from its head, or `.admit` to read the body and handle it; a route's
    /// verified token claims go along to `handle` (verified once per request, docs/performance.md).
    public func screen(_ head: HTTPRequest, peer: String) -> HeadVerdict {
        let started = ContinuousClock.now
        var routeLabel = "unmatched"
        var cors: (policy: CORSPolicy, replacing: Bool)?
        do {
            return .admit(note: try checkHead(head, routeLabel: &routeLabel, cors: &cors))
        } catch {
            // Ids only for a refusal: an accepted head gets its ids once, in `handle` (docs/performance.md).
            let epochMillis = WallClock.epochMilliseconds()
            let identity = RequestIdentity(headers: head.headers, epochSeconds: epochMillis / 1000)
            var trace = RequestTrace(identity: identity, peer: peer, epochMillis: epochMillis)
            trace.routeLabel = routeLabel
            trace.cors = cors
            var response = error.response
            if routeLabel == "invoke" { InvokeAPIHandler.nameRequest(&response, identity.requestID) }
            return .refuse(finish(head, response: response, trace: trace, started: started))
        }
    }

    /// Throws what `route` would answer for the head; returns the claims of a route's verified token. `cors`: the
    /// matched route's CORS settings, for a refusal's headers.
    func checkHead(
        _ request: HTTPRequest, routeLabel: inout String, cors: inout (policy: CORSPolicy, replacing: Bool)?
    ) throws(GatewayError) -> TokenClaims? {
        let path = request.path
        let method = request.method
        if path == "/health", method == "GET" || method == "HEAD" { return nil }
        if method == "POST", path == settings.environment.authEndpointPath || path == LoginHandler.legacyPath {
            routeLabel = "login"
            try login.checkAPIKey(request.headers)
            return nil
        }
        if method == "POST", InvokeTarget.isInvokePath(path) {
            routeLabel = "invoke"
            try invokeAPI.authenticateHead(request)
            // A declared payload over MAX_BODY_BYTES gets Lambda's own 413 here, from the head; left to the server
            // it would get §3.10's generic body, whose message SDKs would show (docs/gateway.md, "Invoke API").
            let limit = settings.environment.maxBodyBytes
            if let declared = request.headers["Content-Length"].flatMap({ Int($0) }), declared > limit {
                throw InvokeAPIHandler.tooLarge(limit: limit)
            }
            return nil
        }
        let snapshot = config.current
        // A CORS preflight carries no token; `route` answers it.
        if method == "OPTIONS", CORSResponder.preflight(request, routes: snapshot.routes) != nil { return nil }
        switch snapshot.routes.match(method: method, path: path) {
        case .matched(let route, _):
            routeLabel = route.path.template
            cors = route.cors.map { ($0, route.payloadFormat == .v2) }
            if route.auth == .jwt { return try tokens.authenticate(request.headers) }
        case .methodNotAllowed(let allowed):
            routeLabel = "method_not_allowed"
            try authenticateUnlessOpen(allowed, path: path, routes: snapshot.routes, headers: request.headers)
        case .notFound:
            routeLabel = "unmatched"
            _ = try tokens.authenticate(request.headers)
        }
        return nil
    }
}

extension LoginHandler {
    /// The login's first check (§3.3 order): a wrong or missing `x-api-key` is 401 without `PADMA_USER_AUTHORIZED`.
    func checkAPIKey(_ headers: HTTPHeaders) throws(GatewayError) {
        guard let apiKey, let given = headers["x-api-key"], constantTimeEquals(given, apiKey) else {
            throw .unauthorized
        }
    }
}

extension InvokeAPIHandler {
    /// The Invoke API's credentials as far as the head shows them: a SigV4 header with a known key, a date within
    /// the skew and the right scope, or a valid Bearer token. The same AWS error shapes as `authenticate`.
    func authenticateHead(_ request: HTTPRequest) throws(GatewayError) {
        let authorization = request.headers["Authorization"]
        if SigV4Verifier.isSigV4(authorization: authorization) {
            let check = InvokeSignatureCheck(environment: settings.environment)
            let signed = SigV4Request(
                method: request.method, path: String(request.path), query: request.query.map(String.init),
                headers: request.headers.fields.map { (name: $0.name, value: $0.value) }, body: [])
            do {
                try check.verifier.verifyHead(signed, now: check.now())
            } catch {
                throw InvokeSignatureCheck.error(for: error)
            }
            return
        }
        guard let token = BearerToken.parse(authorization: authorization), (try? tokens.verify(token)) != nil else {
            throw .aws(.unrecognizedClient, message: "The security token included in the request is invalid.")
        }
    }
}
