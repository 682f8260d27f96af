import BoxCore
import HTTP1

/// Bridges the worker's answer and BoxCore's proxy-result mapping (docs/contract.md §3.4–§3.5).
enum ProxyEventAdapter {
    /// The client's response for what the worker's RIE answered; `ProxyResultError` → 502 (logged by the caller).
    /// `parsed`: the body's JSON when the caller parsed it already (nil: parsed here).
    static func response(_ outcome: InvocationOutcome, parsed: JSONValue?, format: Route.PayloadFormat)
        throws(ProxyResultError) -> HTTPResponse
    {
        let mapped = try ProxyResult.response(
            rieStatus: outcome.status, functionErrorHeader: outcome.headers["X-Amz-Function-Error"],
            payload: outcome.body, parsed: parsed ?? (try? JSONValue(parsing: outcome.body)), format: format)
        // Straight into the response's header list: converting the pairs into another array first cost an
        // allocation and a copy of every name and value per request (docs/performance.md).
        var headers = HTTPHeaders(capacity: mapped.headers.count + 2)
        for i in mapped.headers.indices { headers.add(name: mapped.headers[i].name, value: mapped.headers[i].value) }
        return HTTPResponse(status: mapped.status, headers: headers, body: mapped.body)
    }
}
