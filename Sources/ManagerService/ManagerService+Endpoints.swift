import BoxCore
import HTTP1

/// The bodies of the API calls (§4.2, docs/manager-api.md).
extension ManagerService {
    /// `POST /v1/functions/{name}/workers {"count":N}` → 201 with the leased workers.
    func leaseWorkers(function: String, body: [UInt8], gateway: String, requestID: String) async throws(ManagerError)
        -> HTTPResponse
    {
        guard await workers.functions.contains(function) else {
            throw ManagerError(.unknownFunction, "Function not found: \(function)")
        }
        let object = try Self.object(body, allowEmpty: true)
        var count = 1
        if let value = object?["count"] {
            guard let n = value.intValue, n >= 1 else { throw ManagerError(.badRequest, "count must be a whole number ≥ 1") }
            count = min(n, 1000)
        }
        let result = try await workers.lease(function: function, count: count, holder: .gateway(gateway))
        let list: [JSONValue] = result.workers.map { entry in
            .object([
                "id": .string(entry.record.key), "name": .string(entry.record.name), "host": .string(entry.record.host),
                "port": .int(entry.record.port), "state": .string(entry.how),
            ])
        }
        logger.info(
            "workers leased",
            fields: [
                "function": .string(function), "gateway": .string(gateway), "asked": .int(count), "warm": .int(result.workers.filter { $0.how == "warm" }.count),
                "resumed": .int(result.workers.filter { $0.how == "resumed" }.count),
                "new": .int(result.workers.filter { $0.how == "new" }.count), "limit_reached": .bool(result.limitReached),
            ], requestID: requestID)
        return jsonResponse(status: 201, .object(["workers": .array(list), "limit_reached": .bool(result.limitReached)]))
    }

    /// `POST /v1/workers/heartbeat {"leased":[ids],"released":[ids]}` → `{"revoked":[ids],"paused":{function:n}}`
    /// (`paused`: the Manager's paused workers per function, which a gateway reports as its pools' paused gauge).
    func heartbeat(body: [UInt8], gateway: String) async throws(ManagerError) -> HTTPResponse {
        let object = try Self.object(body, allowEmpty: true)
        let leased = try Self.ids(object?["leased"], name: "leased")
        let released = try Self.ids(object?["released"], name: "released")
        let revoked = await workers.heartbeat(from: gateway, leased: leased, released: released)
        let paused = JSONObject(await workers.pausedCounts().sorted { $0.key < $1.key }.map { ($0.key, JSONValue.int($0.value)) })
        return jsonResponse(status: 200, .object(["revoked": .array(revoked.map { .string($0) }), "paused": .object(paused)]))
    }

    /// `GET /v1/workers`.
    func listWorkers() async -> HTTPResponse {
        let list: [JSONValue] = await workers.snapshot().map { entry in
            let r = entry.record
            return .object([
                "id": .string(r.key), "name": .string(r.name), "function": .string(r.function), "state": .string(r.apiState),
                "leased": .bool(r.isLeased), "holder": r.gatewayID.map { .string($0) } ?? .null, "config": .string(r.configHash), "host": .string(r.host), "port": .int(r.port),
                "last_used": .string(UTCTime(epochMilliseconds: entry.lastUsedMs).iso8601),
                "created": .string(UTCTime(epochMilliseconds: entry.createdMs).iso8601),
            ])
        }
        return jsonResponse(status: 200, .object(["workers": .array(list)]))
    }

    /// `POST /containers/ensure {"function_name": ...}` → `{"host","port"}` (the reference's call).
    func ensure(body: [UInt8]) async throws(ManagerError) -> HTTPResponse {
        guard let name = try Self.object(body, allowEmpty: false)?["function_name"]?.stringValue, !name.isEmpty else {
            throw ManagerError(.badRequest, "function_name is required")
        }
        let record = try await workers.ensure(function: name)
        return jsonResponse(status: 200, .object(["host": .string(record.host), "port": .int(record.port)]))
    }

    /// `GET /health`: 200 when Docker answers now, 503 otherwise (no token).
    func health() async -> HTTPResponse {
        do {
            let version = try await docker.version()
            return jsonResponse(status: 200, .object(["status": "healthy", "docker": .string(version.version)]))
        } catch {
            return jsonResponse(status: 503, .object(["status": "unhealthy", "message": "Docker is unavailable"]))
        }
    }

    /// The name of the gateway identity header (docs/manager-api.md).
    static let gatewayHeader = "X-ESB-Gateway"
    /// The identity of callers that send no `X-ESB-Gateway` (older gateways: one gateway per manager).
    static let defaultGateway = "default"

    /// The caller's gateway identity: `X-ESB-Gateway`, or `default` when absent or empty; at most 256 bytes.
    static func gatewayID(_ request: HTTPRequest) throws(ManagerError) -> String {
        guard let id = request.headers[gatewayHeader], !id.isEmpty else { return defaultGateway }
        guard id.utf8.count <= 256 else { throw ManagerError(.badRequest, "\(gatewayHeader) must be at most 256 bytes") }
        return id
    }

    static func object(_ body: [UInt8], allowEmpty: Bool) throws(ManagerError) -> JSONObject? {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            if allowEmpty { return nil }
            throw ManagerError(.badRequest, "a JSON body is required")
        }
        guard let value = try? JSONValue(parsing: body), let object = value.objectValue else {
            throw ManagerError(.badRequest, "the body must be a JSON object")
        }
        return object
    }

    static func ids(_ value: JSONValue?, name: String) throws(ManagerError) -> [String] {
        guard let value, !value.isNull else { return [] }
        guard let array = value.arrayValue else { throw ManagerError(.badRequest, "\(name) must be a list of ids") }
        var ids: [String] = []
        for element in array {
            guard let id = element.stringValue else { throw ManagerError(.badRequest, "\(name) must be a list of ids") }
            ids.append(id)
        }
        return ids
    }
}
