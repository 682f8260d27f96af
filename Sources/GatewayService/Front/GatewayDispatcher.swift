public import HTTP1
import BoxCore
import Telemetry
import Posix
import Reactor

/// The gateway's request handler (docs/contract.md §3.2): ids, health, login, the Invoke API, JWT, routing and the Lambda
/// proxy, then one access-log line and the request metrics. Every response leaves with `X-Request-Id` and
/// `X-Amzn-Trace-Id`.
///
/// Order of checks (§3.2, §3.10): `GET /health` (no auth) → `POST` login → Invoke API (SigV4 or JWT) → routes:
/// a route with `auth: none` runs at once; everything else needs a valid JWT first, so an unknown path or a wrong
/// method without a token is 401 before 404/405.
public final class GatewayDispatcher: Sendable {
    let settings: GatewaySettings
    let config: GatewayConfigStore
    let invoker: any FunctionInvoking
    let log: GatewayLog
    let metrics: GatewayMetrics
    let events: any EventAdmitting
    let tokens: TokenAuthority
    let login: LoginHandler
    let invokeAPI: InvokeAPIHandler
    let proxy: ProxyHandler

    /// A dispatcher over the given configuration store and invoker.
    public init(
        settings: GatewaySettings, config: GatewayConfigStore, invoker: any FunctionInvoking, log: GatewayLog,
        metrics: GatewayMetrics, events: any EventAdmitting
    ) {
        self.settings = settings
        self.config = config
        self.invoker = invoker
        self.log = log
        self.metrics = metrics
        self.events = events
        tokens = TokenAuthority(key: settings.jwtKey, lifetime: settings.environment.jwtExpiresDelta)
        login = LoginHandler(environment: settings.environment, tokens: tokens)
        invokeAPI = InvokeAPIHandler(
            settings: settings, config: config, invoker: invoker, tokens: tokens, log: log, metrics: metrics,
            events: events)
        proxy = ProxyHandler(
            settings: settings, invoker: invoker, log: log, metrics: metrics,
            binaryMediaTypes: BinaryMediaTypes(settings.environment.binaryMediaTypes))
    }

    /// Answers one request. `peer` is the TCP peer's address (`1.2.3.4` or `[::1]:port` forms both work);
    /// `admitted`: the token claims the head gate verified for this request (`screen`).
    public nonisolated(nonsending) func handle(_ request: HTTPRequest, peer: String, admitted: TokenClaims? = nil)
        async -> HTTPResponse
    {
        let started = ContinuousClock.now
        let epochMillis = WallClock.epochMilliseconds()
        let identity = RequestIdentity(headers: request.headers, epochSeconds: epochMillis / 1000)
        var trace = RequestTrace(identity: identity, peer: peer, epochMillis: epochMillis)
        var response: HTTPResponse
        do {
            response = try await route(request, admitted: admitted, trace: &trace)
        } catch {
            if error == .internalError || error == .badGateway || error == .serviceUnavailable {
                log.log(
                    .error, trace.detail ?? "request failed", requestID: identity.requestID, traceID: identity.traceID,
                    fields: [("status", .int(error.status)), ("function", .string(trace.function ?? ""))])
            }
            response = error.response
        }
        return finish(request, response: response, trace: trace, started: started)
    }

    /// Ids on the response, the request metrics and the access-log line: the end of every request, including
    /// those refused from their head (HeadScreen.swift).
    func finish(_ request: HTTPRequest, response: HTTPResponse, trace: RequestTrace, started: ContinuousClock.Instant)
        -> HTTPResponse
    {
        var response = response
        if let cors = trace.cors {
            CORSResponder.decorate(&response, policy: cors.policy, replacing: cors.replacing, request: request)
        }
        // HEAD keeps the body here: the server writer sends its Content-Length (what GET would send) and omits it.
        trace.identity.apply(to: &response.headers)
        let latency = ContinuousClock.now - started
        // Synchronous: a /metrics scrape right after a response counts it.
        metrics.recordRequest(route: trace.routeLabel, status: response.status, latency: latency)
        if log.isEnabled(.info) {
            // The access line is written after the response: queued on this loop, it runs once the connection
            // has sent the answer and waits for the next request (docs/gateway.md, "Access log"). Off a loop
            // (tests calling the dispatcher directly) it is written at once.
            if let loop = EventLoop.current {
                let answered = response
                loop.execute { [self] in accessLog(request, response: answered, trace: trace, latency: latency) }
            } else {
                accessLog(request, response: response, trace: trace, latency: latency)
            }
        }
        return response
    }

    /// Finds the handler for `request`; errors come back as `GatewayError` for the one mapping function.
    nonisolated(nonsending) func route(_ request: HTTPRequest, admitted: TokenClaims?, trace: inout RequestTrace)
        async throws(GatewayError) -> HTTPResponse
    {
        let path = request.path
        let method = request.method
        if path == "/health", method == "GET" || method == "HEAD" {
            trace.routeLabel = "health"
            return HealthResponse.make(epochMillis: trace.epochMillis)
        }
        if method == "POST", path == settings.environment.authEndpointPath || path == LoginHandler.legacyPath {
            trace.routeLabel = "login"
            return try login.handle(request)
        }
        if method == "POST", InvokeTarget.isInvokePath(path) {
            trace.routeLabel = "invoke"
            return await invokeAPI.handle(request, trace: &trace)
        }
        let snapshot = config.current
        if method == "OPTIONS", let (answer, route) = CORSResponder.preflight(request, routes: snapshot.routes) {
            trace.routeLabel = route.path.template
            return answer
        }
        switch snapshot.routes.match(method: method, path: path) {
        case .matched(let route, let pathParameters):
            trace.routeLabel = route.path.template
            trace.cors = route.cors.map { ($0, route.payloadFormat == .v2) }
            var claims: TokenClaims?
            if route.auth == .jwt {
                claims = try tokens.authenticate(request.headers, admitted: admitted)
            }
            guard request.body.count <= settings.environment.maxBodyBytes else { throw .payloadTooLarge }
            guard let function = snapshot.functions[route.function] else {
                trace.detail = "route \(route.routeKey) names function \(route.function), which is not in functions.yml"
                throw .badGateway
            }
            trace.function = function.name
            return try await proxy.handle(
                request, route: route, pathParameters: pathParameters, function: function,
                spec: snapshot.poolSpecs[function.name] ?? function.poolSpec, claims: claims, trace: &trace)
        case .methodNotAllowed(let allowed):
            trace.routeLabel = "method_not_allowed"
            try authenticateUnlessOpen(allowed, path: path, routes: snapshot.routes, headers: request.headers)
            throw .methodNotAllowed(allowed: allowed)
        case .notFound:
            trace.routeLabel = "unmatched"
            _ = try tokens.authenticate(request.headers)
            throw .notFound
        }
    }

    /// 401 before 405 on a protected path; a path whose every route is `auth: none` answers 405 at once.
    func authenticateUnlessOpen(_ allowed: [String], path: Substring, routes: RoutingTable, headers: HTTPHeaders)
        throws(GatewayError)
    {
        let open = allowed.allSatisfy { m in
            if case .matched(let r, _) = routes.match(method: m, path: path) { return r.auth == .none }
            return false
        }
        if !open { _ = try tokens.authenticate(headers) }
    }

    /// The per-request JSON line (§3.8, AccessLine.swift).
    private func accessLog(_ request: HTTPRequest, response: HTTPResponse, trace: RequestTrace, latency: Duration) {
        guard log.isEnabled(.info) else { return }
        let clientIP = trace.sourceIP(trusting: settings.environment.trustedProxies, headers: request.headers)
        AccessLine.write(
            to: log, request: request, status: response.status, trace: trace, clientIP: clientIP, latency: latency)
    }
}

/// What the handlers learn about one request, for its log line and metrics.
public struct RequestTrace: Sendable {
    public var identity: RequestIdentity
    public var peer: String
    /// Arrival, milliseconds since the epoch.
    public var epochMillis: Int64
    /// Metric label: the matched route template or a fixed name.
    public var routeLabel = "unmatched"
    public var function: String?
    public var worker: String?
    public var coldStart: Bool?
    /// Time waited for a worker.
    public var queueWait: Duration?
    /// Invoke API invocation type.
    public var invocationType: String?
    /// The invocation's own id when it is not the request's: an Event invocation's (the 202's `x-amzn-RequestId`).
    public var invocationID: String?
    /// Internal detail for the error log line (never sent to the client).
    public var detail: String?
    /// The matched route's CORS settings, and whether they replace the function's own (payload 2.0): its answer gets
    /// `Access-Control-Allow-Origin` (CORSResponder.swift).
    var cors: (policy: CORSPolicy, replacing: Bool)?

    init(identity: RequestIdentity, peer: String, epochMillis: Int64) {
        self.identity = identity
        self.peer = peer
        self.epochMillis = epochMillis
    }

    /// The client's address: the TCP peer, or the first `X-Forwarded-For` entry when the peer is a trusted proxy.
    func sourceIP(trusting proxies: [IPAddressRange], headers: HTTPHeaders) -> String {
        let peerAddress = IPAddressRange.stripPort(peer)
        guard proxies.containsAddress(peerAddress),
            let forwarded = headers["X-Forwarded-For"],
            let first = forwarded.split(separator: ",").first.map({ String($0).trimmingASCIIWhitespace() }),
            IPAddressRange.parseAddress(IPAddressRange.stripPort(first)) != nil
        else { return peerAddress }
        return IPAddressRange.stripPort(first)
    }
}

/// `GET /health` (§3.2).
enum HealthResponse {
    static func make(epochMillis: Int64) -> HTTPResponse {
        let body = "{\"status\":\"healthy\",\"timestamp\":\"\(UTCTime(epochMilliseconds: epochMillis).iso8601)\"}"
        return HTTPResponse(status: 200, contentType: "application/json", text: body)
    }
}
