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
            rieStatus: outcome.status, rieHeaders: outcome.headers.fields.map { (name: $0.name, value: $0.value) },
            payload: outcome.body, parsed: parsed ?? (try? JSONValue(parsing: outcome.body)), format: format)
        return HTTPResponse(
            status: mapped.status, headers: HTTPHeaders(mapped.headers.map { ($0.name, $0.value) }), body: mapped.body)
    }
}
