public import HTTP1
public import ManagerAPI

// The messages are ManagerAPI's, shared with the Manager (docs/manager-api.md); these names are the gateway's.
/// A worker as the Manager hands it over or lists it.
public typealias ManagerWorker = ManagerAPI.ManagerWorker
/// The Manager's answer to an acquire.
public typealias ManagerAcquireReply = LeaseReply

extension ManagerWorker {
    /// The RIE's address, when the Manager gave one.
    public var endpoint: HTTPEndpoint? {
        guard let host, !host.isEmpty, let port else { return nil }
        return HTTPEndpoint(host: host, port: port)
    }
}

/// Why a Manager call failed.
public enum ManagerClientError: Error, Sendable, Equatable {
    /// No answer: connection refused, broken or timed out. Leased workers keep serving (§3.7).
    case unreachable(String)
    /// 404 for a function the Manager does not know.
    case unknownFunction(String)
    /// 404 naming the function's missing image.
    case imageMissing(String)
    /// 503: the Manager cannot reach Docker (or a worker did not become ready).
    case dockerUnavailable(String)
    /// 401: `MANAGER_TOKEN` differs from the Manager's.
    case unauthorized
    /// Any other status.
    case rejected(status: Int, message: String)
    /// An answer that is not the documented JSON.
    case badReply(String)
}

/// Client of the Manager's API (§4.2, docs/manager-api.md) over a `WorkerTransport`.
public struct ManagerClient: Sendable {
    /// The Manager's address; nil when `MANAGER_URL` was not `http://` or `unix://` (every call then fails as
    /// unreachable, so a bad setting degrades to 503s instead of a crash; the front validates it at start-up).
    public let endpoint: HTTPEndpoint?
    private let url: String
    private let token: String
    private let transport: any WorkerTransport
    private let callTimeout: Duration
    private let acquireTimeout: Duration
    /// Sent as `X-ESB-Gateway` on lease and heartbeat calls; empty sends no header.
    private let gatewayID: String

    /// The id the Manager records as this gateway's lease `holder` (`default` for a caller without the header).
    public var holderID: String { gatewayID.isEmpty ? "default" : gatewayID }

    /// A client of the Manager at `url` (`MANAGER_URL`).
    public init(
        url: String, token: String, transport: any WorkerTransport,
        callTimeout: Duration = .seconds(5), acquireTimeout: Duration = .seconds(45), gatewayID: String = ""
    ) {
        self.endpoint = Self.endpoint(managerURL: url)
        self.url = url
        self.token = token
        self.transport = transport
        self.callTimeout = callTimeout
        self.acquireTimeout = acquireTimeout
        self.gatewayID = gatewayID
    }

    /// `POST /v1/functions/{name}/workers {"count":N}`: leases up to `count` workers of the function.
    public func acquireWorkers(function: String, count: Int) async throws(ManagerClientError) -> ManagerAcquireReply {
        let body = LeaseRequest(count: count).body
        let response = try await call(
            "POST", "/v1/functions/\(function)/workers", body: body, timeout: acquireTimeout, identified: true)
        guard response.status == 200 || response.status == 201 else { throw Self.failure(response, function: function) }
        return try Self.decode(response.body, LeaseReply.init(body:))
    }

    /// `POST /v1/workers/heartbeat`: renews `leased`, ends `released`; returns the `revoked` ids.
    public func heartbeat(leased: [String], released: [String]) async throws(ManagerClientError) -> HeartbeatReply {
        let body = HeartbeatRequest(leased: leased, released: released).body
        let response = try await call(
            "POST", "/v1/workers/heartbeat", body: body, timeout: callTimeout, identified: true)
        guard response.status == 200 else { throw Self.failure(response, function: nil) }
        return try Self.decode(response.body, HeartbeatReply.init(body:))
    }

    /// `DELETE /v1/workers/{id}`: the gateway found the worker broken. A worker the Manager no longer knows (404)
    /// counts as deleted.
    public func deleteWorker(id: String) async throws(ManagerClientError) {
        let response = try await call("DELETE", "/v1/workers/\(id)", body: [], timeout: callTimeout)
        guard (200..<300).contains(response.status) || response.status == 404 else {
            throw Self.failure(response, function: nil)
        }
    }

    /// `GET /v1/workers/{id}/logs?request_id=R`: the output of invocation R on the worker, START through REPORT
    /// (the Manager waits briefly for the REPORT line), for `X-Amz-Log-Type: Tail`.
    public func invocationLog(workerID: String, requestID: String) async throws(ManagerClientError) -> [UInt8] {
        // Request ids are `[A-Za-z0-9._:-]` (docs/gateway.md): nothing to escape in a query.
        let response = try await call(
            "GET", "/v1/workers/\(workerID)/logs?request_id=\(requestID)", body: [], timeout: callTimeout)
        guard response.status == 200 else { throw Self.failure(response, function: nil) }
        return response.body
    }

    /// `GET /v1/workers/gone?after=SEQ`: the workers that left the Manager's table after cursor `after` (nil: none,
    /// just the current cursor). The Manager answers as soon as one leaves, or after about 25 s with none.
    public func goneWorkers(after: UInt64?) async throws(ManagerClientError) -> GoneReply {
        let path = after.map { "/v1/workers/gone?after=\($0)" } ?? "/v1/workers/gone"
        let response = try await call("GET", path, body: [], timeout: Self.goneTimeout)
        guard response.status == 200 else { throw Self.failure(response, function: nil) }
        return try Self.decode(response.body, GoneReply.init(body:))
    }

    /// The Manager holds a gone poll up to 25 s (docs/manager-api.md): more than that without an answer is a failure.
    static let goneTimeout = Duration.seconds(35)

    /// `GET /v1/workers`: every worker the Manager manages. Accepts `{"workers":[...]}` or a bare array.
    public func listWorkers() async throws(ManagerClientError) -> [ManagerWorker] {
        let response = try await call("GET", "/v1/workers", body: [], timeout: callTimeout)
        guard response.status == 200 else { throw Self.failure(response, function: nil) }
        return try Self.decode(response.body, WorkerList.init(body:)).workers
    }

    private func call(
        _ method: String, _ path: String, body: [UInt8], timeout: Duration, identified: Bool = false
    ) async throws(ManagerClientError) -> HTTPResponse {
        guard let endpoint else { throw .unreachable("MANAGER_URL \(url) is not http://host:port or unix:///path") }
        var headers: HTTPHeaders = ["Host": endpoint.hostHeader, "X-ESB-Token": token]
        // Leases belong to one gateway (docs/manager-api.md): without the id a second gateway on the same
        // Manager could renew, and so take over, this one's workers.
        if identified, !gatewayID.isEmpty { headers.add(name: "X-ESB-Gateway", value: gatewayID) }
        if method != "GET" {
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(body.count))
        }
        let request = HTTPRequest(method: method, target: path, headers: headers, body: body)
        do {
            return try await transport.execute(request, to: endpoint, timeout: timeout)
        } catch {
            switch error {
            case .notSent(let why): throw .unreachable("\(endpoint): \(why)")
            case .sentThenFailed(let why): throw .unreachable("\(endpoint): connection broke: \(why)")
            case .timedOut: throw .unreachable("\(endpoint): no answer within \(timeout)")
            }
        }
    }

    /// Maps an error status to the typed error; 404 names the image when the Manager's message or `image` field does.
    static func failure(_ response: HTTPResponse, function: String?) -> ManagerClientError {
        let reply = ErrorReply(body: response.body)
        let message = reply.message
        switch response.status {
        case 401: return .unauthorized
        case 404:
            // docs/manager-api.md: a missing image is the only 404 that carries an `image` field.
            if let image = reply.image { return .imageMissing(image) }
            return .unknownFunction(function ?? message)
        case 503: return .dockerUnavailable(message)
        default: return .rejected(status: response.status, message: message)
        }
    }

    private static func decode<T>(
        _ body: [UInt8], _ read: ([UInt8]) throws(ManagerAPIError) -> T
    ) throws(ManagerClientError) -> T {
        do { return try read(body) } catch {
            throw .badReply("\(T.self): \(error.message): \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
    }
}

extension ManagerClient {
    /// `MANAGER_URL` (docs/contract.md §3.1): `http://host[:port]` (a trailing `/` allowed, no path, no user
    /// info) or `unix:///absolute/path`; nil for anything else, `https://` included: the Manager speaks plain HTTP
    /// on a control network or a Unix socket.
    public static func endpoint(managerURL url: String) -> HTTPEndpoint? {
        guard let endpoint = HTTPEndpoint.parse(url, allowingPath: false), !endpoint.useTLS else { return nil }
        return endpoint
    }
}
