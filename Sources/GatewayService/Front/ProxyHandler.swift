import BoxCore
import HTTP1

/// The Lambda proxy (docs/contract.md §3.4–§3.5): a routed request becomes an API Gateway event (payload 1.0 or 2.0), runs
/// on a worker, and the function's proxy result becomes the HTTP response, as API Gateway does it.
///
/// A class: a request's async frames hold the handler, and as a struct each copy retained every reference in its
/// settings (docs/performance.md).
final class ProxyHandler: Sendable {
    let settings: GatewaySettings
    let invoker: any FunctionInvoking
    let log: GatewayLog
    let metrics: GatewayMetrics
    let binaryMediaTypes: BinaryMediaTypes
    /// `X-Forwarded-Port` when the client sent none: the port of `GATEWAY_LISTEN`, parsed once, not per request.
    let listenPort: String

    init(
        settings: GatewaySettings, invoker: any FunctionInvoking, log: GatewayLog, metrics: GatewayMetrics,
        binaryMediaTypes: BinaryMediaTypes
    ) {
        self.settings = settings
        self.invoker = invoker
        self.log = log
        self.metrics = metrics
        self.binaryMediaTypes = binaryMediaTypes
        listenPort = ForwardedHeaders.port(ofListen: settings.environment.listen)
    }

    nonisolated(nonsending) func handle(
        _ request: HTTPRequest, route: Route, pathParameters: [String: String], function: FunctionConfig,
        spec: PoolFunctionSpec, claims: TokenClaims?, trace: inout RequestTrace
    ) async throws(GatewayError) -> HTTPResponse {
        let env = settings.environment
        let peer = IPAddressRange.stripPort(trace.peer)
        let forwarded = ForwardedHeaders(
            headers: request.headers, peer: peer, trusted: env.trustedProxies.containsAddress(peer),
            listenPort: listenPort)
        let template = route.path.template
        let proxyInput = ProxyRequestInput(
            method: request.method, rawPath: String(request.path), rawQuery: request.query.map(String.init),
            headers: forwarded.eventHeaders(from: request.headers, bodyLength: request.body.count),
            body: request.body, sourceIP: trace.sourceIP(trusting: env.trustedProxies, headers: request.headers),
            requestID: trace.identity.requestID, traceID: trace.identity.traceID, resourcePath: template,
            routeMethod: route.method.rawValue,
            pathParameters: ProxyRequestInput.orderedPathParameters(pathParameters, template: template),
            claims: (claims?.subject).map { ProxyClaims(subject: $0) }, requestTimeEpochMilliseconds: trace.epochMillis,
            binaryMediaTypes: binaryMediaTypes, protocolName: "HTTP/1.\(request.minorVersion)")
        let event = APIGatewayEvent.payload(proxyInput, format: route.payloadFormat)
        // Lambda refuses a request payload over 6 MiB and API Gateway answers 413; the RIE would instead cut the
        // event and the runtime would fail on half a JSON document (502). Refuse before invoking anything.
        guard event.count <= Self.maxEventBytes else {
            trace.detail = "\(function.name): event of \(event.count) bytes exceeds \(Self.maxEventBytes)"
            throw .payloadTooLarge
        }
        let outcome: InvocationOutcome
        do {
            outcome = try await invoker.invoke(
                spec, payload: event, requestID: trace.identity.requestID, traceID: trace.identity.traceID)
        } catch {
            trace.detail = "\(function.name): \(error)"
            throw Self.gatewayError(for: error)
        }
        // Checked here so that nothing (not even the path's String) is made per request below DEBUG.
        if log.isEnabled(.debug) {
            log.invocationDebug(
                function: function.name, outcome: outcome, requestID: trace.identity.requestID,
                traceID: trace.identity.traceID, path: String(request.path))
        }
        trace.worker = outcome.workerID
        trace.coldStart = outcome.coldStart
        trace.queueWait = outcome.queueWait
        metrics.recordInvocation(
            function: function.name, queueWait: outcome.queueWait, functionTime: outcome.functionTime,
            coldStart: outcome.coldStart)
        // Lambda's response limit is 6 MiB, but the RIE lets up to 100 bytes more through: refuse those here,
        // before parsing them (docs/gateway.md, "Results over 6 MiB").
        guard outcome.body.count <= Self.maxResultBytes else {
            trace.detail =
                "function \(function.name): result of \(outcome.body.count) bytes exceeds \(Self.maxResultBytes)"
            throw .badGateway
        }
        // The RIE's error object (status 200) and its Runtime.ExitError (502) are function errors too.
        // The worker's answer is parsed once, for the error check and the mapping (docs/performance.md).
        let parsed = FunctionErrorDetector.parseIfObject(outcome.body)
        if FunctionErrorDetector.isFunctionError(outcome, parsed: parsed) {
            trace.detail =
                "function \(function.name) failed: " + String(decoding: outcome.body.prefix(512), as: UTF8.self)
            throw .badGateway
        }
        do {
            return try ProxyEventAdapter.response(outcome, parsed: parsed, format: route.payloadFormat)
        } catch {
            trace.detail = "function \(function.name): \(error)"
            throw .badGateway
        }
    }

    /// Lambda's synchronous invocation payload limit (6 MiB): the largest serialized event the proxy sends.
    static let maxEventBytes = 6_291_456

    /// Lambda's synchronous response payload limit (6 MiB): a larger result is a 502 (§3.5).
    static let maxResultBytes = 6_291_456

    /// The proxy's status for an invocation that produced no result (§3.5, §3.7).
    static func gatewayError(for failure: InvocationFailure) -> GatewayError {
        switch failure {
        case .throttled: .tooManyRequests
        case .functionTimedOut: .gatewayTimeout
        case .workerFailed, .imageMissing, .unknownFunction: .badGateway
        case .managerUnavailable: .serviceUnavailable
        }
    }
}
