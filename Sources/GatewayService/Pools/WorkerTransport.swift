public import HTTP1

/// How a request to a worker or the Manager failed, in the three shapes the retry rule of §3.5 needs.
public enum WorkerTransportError: Error, Sendable, Equatable {
    /// Nothing of the request reached the peer (connection refused, reset before the first byte was written):
    /// safe to send elsewhere.
    case notSent(String)
    /// The request was (at least partly) sent, then the connection broke before a complete response.
    case sentThenFailed(String)
    /// No complete response before the deadline; `sent` tells whether the request had gone out.
    case timedOut(sent: Bool)
}

/// The HTTP client the pools talk through: one request, one peer, one deadline, keep-alive connections kept by the
/// implementation. `Reactor.HTTPClient` is the production one; tests add in-process stand-ins for the RIE and the
/// Manager.
public protocol WorkerTransport: Sendable {
    /// Sends `request` to `endpoint` and returns the complete response, or fails within `timeout`.
    nonisolated(nonsending) func execute(
        _ request: HTTPRequest, to endpoint: HTTPEndpoint, timeout: Duration
    ) async throws(WorkerTransportError) -> HTTPResponse
}
