import Foundation
import HTTP1
import Reactor
import Synchronization
@testable import GatewayService

/// Runs a command line through `bash -c` (for `/dev/tcp`) without blocking a cooperative thread; returns status and stdout.
func sh(_ command: String) async -> (status: Int32, output: String) {
    await withCheckedContinuation { (c: CheckedContinuation<(Int32, String), Never>) in
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", command]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let data = Mutex(Data())
        out.fileHandleForReading.readabilityHandler = { h in
            let chunk = h.availableData
            data.withLock { $0.append(chunk) }
        }
        process.terminationHandler = { p in
            out.fileHandleForReading.readabilityHandler = nil
            let rest = out.fileHandleForReading.readDataToEndOfFile()
            let all = data.withLock { $0 + rest }
            c.resume(returning: (p.terminationStatus, String(decoding: all, as: UTF8.self)))
        }
        do { try process.run() } catch { c.resume(returning: (-1, "\(error)")) }
    }
}

/// Real workers with a stand-in Manager: the RIE side is the real thing (containers of `esb-test/echo:latest`
/// started with the docker CLI, reached on their bridge IP through the Reactor's `HTTPClient`); the Manager side
/// stands in for esb-manager's §4.2 API (lease = `docker run` + wait until the RIE port accepts TCP, delete =
/// `docker rm -f`, heartbeat recorded). Every container carries the label `esb.test=<tag>` for clean-up.
final class DockerWorkersStandIn: WorkerTransport {
    static let image = "esb-test/echo:latest"
    let tag = "pools-\(UInt32.random(in: 0...UInt32.max))"
    let functionTimeout: Int
    let rie = ReactorWorkerTransport(client: HTTPClient())
    struct State {
        var maxConcurrency = 4
        var leased: Set<String> = []
        var created: [String] = []
        var addresses: [String: String] = [:]  // id → bridge IP
        var deletes: [String] = []
        var heartbeats = 0
    }
    let state = Mutex(State())

    init(maxConcurrency: Int, functionTimeout: Int = 30) {
        self.functionTimeout = functionTimeout
        state.withLock { $0.maxConcurrency = maxConcurrency }
    }

    static func dockerReady() async -> Bool {
        await sh("docker image inspect \(image) >/dev/null 2>&1").status == 0
    }

    nonisolated(nonsending) func execute(
        _ request: HTTPRequest, to endpoint: PoolEndpoint, timeout: Duration
    ) async throws(WorkerTransportError) -> HTTPResponse {
        if case .tcp("manager.test", _) = endpoint { return await manager(request) }
        return try await rie.execute(request, to: endpoint, timeout: timeout)
    }

    private func manager(_ request: HTTPRequest) async -> HTTPResponse {
        let parts = request.path.split(separator: "/").map(String.init)
        switch (request.method, parts.count) {
        case ("POST", 4):
            let count = Int(String(decoding: request.body, as: UTF8.self).filter(\.isNumber)) ?? 1
            let n = state.withLock { s in max(0, min(count, s.maxConcurrency - s.leased.count)) }
            let workers = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<n { group.addTask { await self.startWorker() } }
                return await group.reduce(into: [String]()) { if let w = $1 { $0.append(w) } }
            }
            let json = "{\"workers\":[\(workers.joined(separator: ","))],\"limit_reached\":\(n < count)}"
            return HTTPResponse(status: 201, body: Array(json.utf8))
        case ("POST", 3):
            let released = StandInPeers.ids(in: String(decoding: request.body, as: UTF8.self), key: "released")
            state.withLock { s in
                s.heartbeats += 1
                s.leased.subtract(released)
            }
            return HTTPResponse(status: 200, body: Array("{\"revoked\":[]}".utf8))
        case ("DELETE", 3):
            state.withLock { s in
                s.deletes.append(parts[2])
                s.leased.remove(parts[2])
            }
            _ = await sh("docker rm -f \(parts[2]) >/dev/null 2>&1")
            return HTTPResponse(status: 204)
        default:
            return HTTPResponse(status: 200, body: Array("{\"workers\":[]}".utf8))
        }
    }

    /// `docker run`, then wait until the RIE accepts a TCP connection (the Manager's readiness rule, §4.3).
    private func startWorker() async -> String? {
        let run = await sh(
            "docker run -d --label esb.test=\(tag) -e AWS_LAMBDA_FUNCTION_NAME=echo "
                + "-e AWS_LAMBDA_FUNCTION_TIMEOUT=\(functionTimeout) \(Self.image)")
        let id = run.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard run.status == 0, !id.isEmpty else { return nil }
        let ip = await sh("docker inspect -f '{{.NetworkSettings.IPAddress}}' \(id)").output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let ready = await sh(
            "for i in $(seq 1 300); do (echo > /dev/tcp/\(ip)/8080) 2>/dev/null && exit 0; sleep 0.02; done; exit 1")
        guard ready.status == 0 else { return nil }
        state.withLock { s in
            s.leased.insert(id)
            s.created.append(id)
            s.addresses[id] = ip
        }
        return "{\"id\":\"\(id)\",\"name\":\"\(id.prefix(12))\",\"host\":\"\(ip)\",\"port\":8080,\"state\":\"new\"}"
    }

    /// `docker ps -a` state (`running`, `exited`, ...) of every container this stand-in started.
    func containerStates() async -> [String: String] {
        let out = await sh("docker ps -a --no-trunc --filter label=esb.test=\(tag) --format '{{.ID}} {{.State}}'").output
        var states: [String: String] = [:]
        for line in out.split(separator: "\n") {
            let f = line.split(separator: " ")
            if f.count == 2 { states[String(f[0])] = String(f[1]) }
        }
        return states
    }

    func removeAll() async {
        _ = await sh("docker ps -aq --filter label=esb.test=\(tag) | xargs -r docker rm -f >/dev/null 2>&1")
    }
}
