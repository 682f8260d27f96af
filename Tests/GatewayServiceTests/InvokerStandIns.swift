import HTTP1
import Synchronization
import Testing
@testable import GatewayService

/// A clock that moves only when the test says so (`InvokerClock` for the pool state machine's timers).
final class ManualClock: InvokerClock {
    private struct Sleeper {
        var id: UInt64
        var deadline: Duration
        var continuation: CheckedContinuation<Void, any Error>
    }
    private struct State {
        var now: Duration = .zero
        var sleepers: [Sleeper] = []
        var lastID: UInt64 = 0
        var cancelledEarly: Set<UInt64> = []
    }
    private let state = Mutex(State())

    func now() -> Duration { state.withLock { $0.now } }

    func sleep(until deadline: Duration) async throws {
        let id = state.withLock { s -> UInt64 in
            s.lastID += 1
            return s.lastID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { s -> Result<Void, any Error>? in
                    if s.cancelledEarly.remove(id) != nil { return .failure(CancellationError()) }
                    if deadline <= s.now { return .success(()) }
                    s.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: c))
                    return nil
                }
                if let outcome { c.resume(with: outcome) }
            }
        } onCancel: {
            let c = state.withLock { s -> CheckedContinuation<Void, any Error>? in
                guard let i = s.sleepers.firstIndex(where: { $0.id == id }) else {
                    s.cancelledEarly.insert(id)
                    return nil
                }
                return s.sleepers.remove(at: i).continuation
            }
            c?.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes every sleeper whose deadline has come.
    func advance(by step: Duration) {
        let due = state.withLock { s -> [CheckedContinuation<Void, any Error>] in
            s.now += step
            let now = s.now
            let due = s.sleepers.filter { $0.deadline <= now }.map(\.continuation)
            s.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for c in due { c.resume() }
    }

    var sleeperCount: Int { state.withLock { $0.sleepers.count } }
}

/// Waits (yielding, then briefly sleeping in real time) until `condition` holds; fails the test after ~5 s.
func eventually(_ what: String = "condition", _ condition: () -> Bool) async {
    for i in 0..<5000 {
        if condition() { return }
        if i < 200 { await Task.yield() } else { try? await Task.sleep(for: .milliseconds(1)) }
    }
    Issue.record("timed out waiting for \(what)")
}

/// Stands in for two real peers of the pools, without sockets: esb-manager's §4.2 API (lease, heartbeat, delete,
/// list) and the workers' RIEs (one invocation at a time — an overlap is recorded as the crash it would cause).
/// The real peers are exercised by `InvokerRealRIETests`.
final class StandInPeers: WorkerTransport {
    enum RIEBehaviour: Sendable {
        case answer(status: Int, body: String)
        case fail(WorkerTransportError)
        /// Waits until the test calls `openGate()`.
        case gated
    }

    struct State {
        var managerUp = true
        var maxConcurrency: [String: Int] = [:]
        var leased: [String: String] = [:]  // worker id → function
        var lastWorker = 0
        var acquireCalls: [(function: String, count: Int)] = []
        var heartbeats: [(leased: [String], released: [String])] = []
        var deletes: [String] = []
        var gatewayHeaders: [String: [String?]] = [:]  // "METHOD path-kind" → X-ESB-Gateway of each call
        var revokeNext: [String] = []
        var listed: [ManagerWorker] = []
        var missingImages: [String: String] = [:]  // function → image the Manager cannot find
        var behaviour: [String: RIEBehaviour] = [:]  // by worker host
        var defaultBehaviour = RIEBehaviour.answer(status: 200, body: "{\"ok\":true}")
        var inFlight: [String: Int] = [:]
        var overlaps = 0
        var invocations: [(host: String, requestID: String?)] = []
        var gateWaiters: [CheckedContinuation<Void, Never>] = []
        var gateOpen = false
    }

    let state = Mutex(State())
    static let managerURL = "http://manager.test:8081"

    nonisolated(nonsending) func execute(
        _ request: HTTPRequest, to endpoint: HTTPEndpoint, timeout: Duration
    ) async throws(WorkerTransportError) -> HTTPResponse {
        guard endpoint.unixPath == nil else { throw .notSent("unix sockets not stood in") }
        let host = endpoint.host
        if host == "manager.test" { return try manager(request) }
        return try await rie(host: host, request)
    }

    private func manager(_ request: HTTPRequest) throws(WorkerTransportError) -> HTTPResponse {
        try state.withLock { s throws(WorkerTransportError) -> HTTPResponse in
            guard s.managerUp else { throw .notSent("connection refused") }
            guard request.headers["X-ESB-Token"] == "token" else { return HTTPResponse(status: 401) }
            let parts = request.path.split(separator: "/").map(String.init)
            let kind = parts.count > 2 && parts[1] == "functions" ? "acquire" : (parts.last ?? "")
            s.gatewayHeaders["\(request.method) \(kind)", default: []].append(request.headers["X-ESB-Gateway"])
            switch (request.method, parts.count) {
            case ("POST", 4) where parts[1] == "functions":
                let function = parts[2]
                if let image = s.missingImages[function] {
                    let json = "{\"message\":\"Image not found: \(image)\",\"image\":\"\(image)\"}"
                    return HTTPResponse(status: 404, body: Array(json.utf8))
                }
                if function == "unknown" {
                    return HTTPResponse(status: 404, body: Array("{\"message\":\"Function not found: unknown\"}".utf8))
                }
                let body = String(decoding: request.body, as: UTF8.self)
                let count = Int(body.filter(\.isNumber)) ?? 0
                s.acquireCalls.append((function, count))
                let held = s.leased.values.filter { $0 == function }.count
                let limit = s.maxConcurrency[function] ?? 4
                let n = max(0, min(count, limit - held))
                var workers: [String] = []
                for _ in 0..<n {
                    s.lastWorker += 1
                    let id = "w\(s.lastWorker)"
                    s.leased[id] = function
                    workers.append(
                        "{\"id\":\"\(id)\",\"name\":\"esb-\(function)-\(id)\",\"host\":\"\(id).test\",\"port\":8080,\"state\":\"new\"}"
                    )
                }
                let json = "{\"workers\":[\(workers.joined(separator: ","))],\"limit_reached\":\(n < count)}"
                return HTTPResponse(status: 201, body: Array(json.utf8))
            case ("POST", 3) where parts[2] == "heartbeat":
                let body = String(decoding: request.body, as: UTF8.self)
                let leased = Self.ids(in: body, key: "leased"), released = Self.ids(in: body, key: "released")
                s.heartbeats.append((leased, released))
                for id in released { s.leased[id] = nil }
                let revoked = s.revokeNext
                s.revokeNext = []
                for id in revoked { s.leased[id] = nil }
                let json = "{\"revoked\":[\(revoked.map { "\"\($0)\"" }.joined(separator: ","))]}"
                return HTTPResponse(status: 200, body: Array(json.utf8))
            case ("DELETE", 3):
                s.deletes.append(parts[2])
                s.leased[parts[2]] = nil
                return HTTPResponse(status: 204)
            case ("GET", 2):
                let items = s.listed.map {
                    "{\"id\":\"\($0.id)\",\"function\":\"\($0.function ?? "")\",\"host\":\"\($0.host ?? "")\",\"port\":\($0.port ?? 0),\"state\":\"\($0.state ?? "")\",\"leased\":\($0.leased ?? false),\"holder\":\($0.holder.map { "\"\($0)\"" } ?? "null")}"
                }
                return HTTPResponse(status: 200, body: Array("{\"workers\":[\(items.joined(separator: ","))]}".utf8))
            default:
                return HTTPResponse(status: 404)
            }
        }
    }

    static func ids(in json: String, key: String) -> [String] {
        guard let r = json.range(of: "\"\(key)\":[") else { return [] }
        let rest = json[r.upperBound...]
        let list = rest[..<(rest.firstIndex(of: "]") ?? rest.endIndex)]
        return list.split(separator: ",").map { $0.filter { $0 != "\"" } }.filter { !$0.isEmpty }
    }

    private func rie(host: String, _ request: HTTPRequest) async throws(WorkerTransportError) -> HTTPResponse {
        let behaviour = state.withLock { s -> RIEBehaviour in
            let b = s.behaviour[host] ?? s.defaultBehaviour
            if case .fail = b { return b }
            s.inFlight[host, default: 0] += 1
            if s.inFlight[host]! > 1 { s.overlaps += 1 }
            s.invocations.append((host, request.headers["X-Amzn-RequestId"]))
            return b
        }
        defer { state.withLock { $0.inFlight[host, default: 1] -= 1 } }
        switch behaviour {
        case .fail(let error):
            throw error
        case .answer(let status, let body):
            // Let other tasks run while this invocation is "in" the RIE, as a real one would.
            for _ in 0..<3 { await Task.yield() }
            return HTTPResponse(status: status, body: Array(body.utf8))
        case .gated:
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let open = state.withLock { s -> Bool in
                    if s.gateOpen { return true }
                    s.gateWaiters.append(c)
                    return false
                }
                if open { c.resume() }
            }
            return HTTPResponse(status: 200, body: Array("{\"gated\":true}".utf8))
        }
    }

    func openGate() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.gateOpen = true
            defer { s.gateWaiters = [] }
            return s.gateWaiters
        }
        for c in waiters { c.resume() }
    }

    var gatedCount: Int { state.withLock { $0.gateWaiters.count } }
}
