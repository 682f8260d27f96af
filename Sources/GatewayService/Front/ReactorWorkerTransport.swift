import HTTP1
import Reactor

/// The pools' `WorkerTransport` over the Reactor's keep-alive `HTTPClient`: the production path to worker RIEs
/// and to the Manager (TCP or Unix socket).
struct ReactorWorkerTransport: WorkerTransport {
    let client: HTTPClient

    nonisolated(nonsending) func execute(
        _ request: HTTPRequest, to endpoint: HTTPEndpoint, timeout: Duration
    ) async throws(WorkerTransportError) -> HTTPResponse {
        do {
            return try await client.execute(request, to: endpoint, timeout: timeout)
        } catch {
            switch error {
            case .notSent(let why): throw .notSent(why)
            case .sentThenFailed(let why): throw .sentThenFailed(why)
            case .timedOut(let sent): throw .timedOut(sent: sent)
            }
        }
    }
}
