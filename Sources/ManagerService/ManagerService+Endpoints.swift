import BoxCore
import HTTP1
import ManagerAPI

/// The bodies of the API calls (§4.2, docs/manager-api.md).
extension ManagerService {
    /// `POST /v1/functions/{name}/workers {"count":N}` → 201 with the leased workers.
    func leaseWorkers(function: String, body: [UInt8], gateway: String, requestID: String) async throws(ManagerError)
        -> HTTPResponse
    {
        guard await workers.functions.contains(function) else {
            throw ManagerError(.unknownFunction, "Function not found: \(function)")
        }
        let count = min(try Self.read(body, LeaseRequest.init(body:)).count, 1000)
        let result = try await workers.lease(function: function, count: count, holder: .gateway(gateway))
        let reply = LeaseReply(
            workers: result.workers.map { entry in
                ManagerWorker(
                    id: entry.record.key, name: entry.record.name, host: entry.record.host, port: entry.record.port,
                    state: .leased(entry.how))
            },
            limitReached: result.limitReached)
        func obtained(_ kind: LeaseKind) -> JSONValue { .int(result.workers.filter { $0.how == kind }.count) }
        logger.info(
            "workers leased",
            fields: [
                "function": .string(function), "gateway": .string(gateway), "asked": .int(count),
                "warm": obtained(.warm),
                "resumed": obtained(.resumed), "new": obtained(.new), "limit_reached": .bool(result.limitReached),
            ], requestID: requestID)
        return jsonResponse(status: 201, reply.body)
    }

    /// `POST /v1/workers/heartbeat {"leased":[ids],"released":[ids]}` → `{"revoked":[ids],"paused":{function:n}}`
    /// (`paused`: the Manager's paused workers per function, which a gateway reports as its pools' paused gauge).
    func heartbeat(body: [UInt8], gateway: String) async throws(ManagerError) -> HTTPResponse {
        let request = try Self.read(body, HeartbeatRequest.init(body:))
        let revoked = await workers.heartbeat(from: gateway, leased: request.leased, released: request.released)
        let reply = HeartbeatReply(revoked: revoked, paused: await workers.pausedCounts())
        return jsonResponse(status: 200, reply.body)
    }

    /// `GET /v1/workers`.
    func listWorkers() async -> HTTPResponse {
        let list = await workers.snapshot().map { entry in
            let r = entry.record
            return ManagerWorker(
                id: r.key, name: r.name, host: r.host, port: r.port, state: .life(r.apiState), function: r.function,
                leased: r.isLeased, holder: r.gatewayID, config: r.configHash,
                lastUsed: UTCTime(epochMilliseconds: entry.lastUsedMs).iso8601,
                created: UTCTime(epochMilliseconds: entry.createdMs).iso8601)
        }
        return jsonResponse(status: 200, WorkerList(workers: list).body)
    }

    /// How long `GET /v1/workers/gone` waits for a departure before answering with none: below every HTTP
    /// idle timeout between the daemons, so the connection stays usable.
    static let goneWait = Duration.seconds(25)

    /// `GET /v1/workers/gone?after=SEQ` → `{"seq":N,"workers":[ids]}` as soon as a worker left after `SEQ`, or after
    /// `goneWait` with none (docs/manager-api.md).
    func goneWorkers(query: Substring?) async throws(ManagerError) -> HTTPResponse {
        var after: UInt64?
        if let text = Self.queryValue("after", in: query) {
            guard let n = UInt64(text) else { throw ManagerError(.badRequest, "after must be a whole number ≥ 0") }
            after = n
        }
        return jsonResponse(status: 200, await workers.gone.wait(after: after, timeout: Self.goneWait).body)
    }

    /// `POST /containers/ensure {"function_name": ...}` → `{"host","port"}` (the reference's call).
    func ensure(body: [UInt8]) async throws(ManagerError) -> HTTPResponse {
        let request = try Self.read(body, EnsureRequest.init(body:))
        let record = try await workers.ensure(function: request.functionName)
        return jsonResponse(status: 200, EnsureReply(host: record.host, port: record.port).body)
    }

    /// `GET /health`: 200 when Docker answers now, 503 otherwise (no token).
    func health() async -> HTTPResponse {
        do {
            let version = try await backend.version()
            return jsonResponse(status: 200, HealthReply.healthy(engineVersion: version.version).body)
        } catch {
            return jsonResponse(status: 503, HealthReply.unhealthy(message: "Docker is unavailable").body)
        }
    }

    /// The name of the gateway identity header (docs/manager-api.md).
    static let gatewayHeader = "X-ESB-Gateway"
    /// The identity of callers that send no `X-ESB-Gateway` (older gateways: one gateway per manager).
    static let defaultGateway = "default"

    /// The caller's gateway identity: `X-ESB-Gateway`, or `default` when absent or empty; at most 256 bytes.
    static func gatewayID(_ request: HTTPRequest) throws(ManagerError) -> String {
        guard let id = request.headers[gatewayHeader], !id.isEmpty else { return defaultGateway }
        guard id.utf8.count <= 256 else {
            throw ManagerError(.badRequest, "\(gatewayHeader) must be at most 256 bytes")
        }
        return id
    }

    /// A request body read by ManagerAPI; what it finds malformed is a 400 with its message.
    static func read<T>(_ body: [UInt8], _ parse: ([UInt8]) throws(ManagerAPIError) -> T) throws(ManagerError) -> T {
        do { return try parse(body) } catch { throw ManagerError(.badRequest, error.message) }
    }
}
