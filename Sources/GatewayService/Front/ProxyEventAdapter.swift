import BoxCore
import HTTP1

/// Bridges the gateway's request and the BoxCore event builders / proxy-result mapping (docs/contract.md §3.4–§3.5).
enum ProxyEventAdapter {
    /// The API Gateway event (payload 1.0 or 2.0) for one routed request.
    static func event(_ input: ProxyEventInput, binaryMediaTypes: BinaryMediaTypes) -> [UInt8] {
        let request = input.request
        let route = input.route
        var headers = request.headers.fields.map { (name: $0.name, value: $0.value) }
        if let forwarded = input.forwarded { headers = forwarded.apply(to: headers) }
        let proxyInput = ProxyRequestInput(
            method: request.method, rawPath: String(request.path), rawQuery: request.query.map(String.init),
            headers: headers, body: request.body,
            sourceIP: input.sourceIP, requestID: input.requestID, traceID: input.traceID,
            resourcePath: route.path.template, routeMethod: route.method.rawValue,
            pathParameters: ProxyRequestInput.orderedPathParameters(
                input.pathParameters, template: route.path.template),
            claims: input.subject.map { ProxyClaims(subject: $0) }, requestTimeEpochMilliseconds: input.epochMillis,
            binaryMediaTypes: binaryMediaTypes, protocolName: "HTTP/1.\(request.minorVersion)")
        return APIGatewayEvent.payload(proxyInput, format: route.payloadFormat)
    }

    /// The client's response for what the worker's RIE answered; `ProxyResultError` → 502 (logged by the caller).
    /// `parsed`: the body's JSON when the caller parsed it already (nil: parsed here).
    static func response(_ outcome: InvocationOutcome, parsed: JSONValue?, format: Route.PayloadFormat)
        throws(ProxyResultError) -> HTTPResponse
    {
        let mapped = try ProxyResult.response(
            rieStatus: outcome.status, rieHeaders: outcome.headers.fields.map { (name: $0.name, value: $0.value) },
            payload: outcome.body, parsed: parsed ?? (try? JSONValue(parsing: outcome.body)), format: format)
        return HTTPResponse(
            status: mapped.status, headers: HTTPHeaders(mapped.headers.map { ($0.name, $0.value) }), body: mapped.body)
    }
}
