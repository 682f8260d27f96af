import BoxCore
import DockerEngine
import ESBTestSupport
import Foundation
import Glibc
import HTTP1
import Reactor
import Synchronization
import Telemetry
import Testing
@testable import ManagerService

/// One Manager for one test, on the real Docker daemon, isolated from other tests and other boxes on the same
/// daemon by its own `ESB_INSTANCE` label; `finish()` removes every container it (or the test) left.
final class ManagerHarness: Sendable {
    static let image = "esb-test/echo:latest"
    static let baseImage = "esb-local/lambda-python:3.11"
    static var network: String { TestNetwork.name }
    static let token = "test-token-\(UInt32.random(in: 0...UInt32.max))"

    let instance: String
    let settings: ManagerSettings
    let docker: DockerClient
    let logs: CapturedLogs
    let service: ManagerService
    let http = HTTPClient()

    /// A manager for `functions` (names should come from `uniqueFunction`). `environment` overrides §4.1
    /// variables (parsed like the real process does). `awaitSync: false` returns as soon as it is started;
    /// `backend` puts a stand-in (`FaultyBackend`) between the manager and Docker.
    init(
        functions: [FunctionConfig], environment: [String: String] = [:], instance: String? = nil, start: Bool = true,
        dockerHost: String? = nil, awaitSync: Bool = true,
        backend wrap: (@Sendable (DockerClient) -> any WorkerBackend)? = nil
    ) async throws {
        self.instance = instance ?? "test-\(UInt32.random(in: 0...UInt32.max))"
        var env = [
            "MANAGER_TOKEN": Self.token, "LAMBDA_NETWORK": Self.network, "ESB_INSTANCE": self.instance,
            "CONTAINER_READINESS_TIMEOUT": "20", "DOCKER_STOP_TIMEOUT": "0", "S3_ENDPOINT": "http://s3.test:9000",
            "DYNAMODB_ENDPOINT": "http://dynamodb.test:8000", "GATEWAY_INTERNAL_URL": "https://gateway.test:443",
            "WORKER_ACCESS_KEY_ID": "AKTEST", "WORKER_SECRET_ACCESS_KEY": "SKTEST",
        ]
        env.merge(environment) { $1 }
        settings = try ManagerSettings(environment: env)
        let realDocker = try await DockerTestSupport.client()
        try await DockerTestSupport.requireImage(Self.image, on: realDocker)
        docker =
            try dockerHost.map { DockerClient(host: try DockerHost.fromEnvironment(["DOCKER_HOST": $0])) } ?? realDocker
        logs = CapturedLogs()
        let logger = Logger("manager", level: .debug, containerName: "esb-manager-test", sink: logs.sink)
        service = ManagerService(
            settings: settings, functions: FunctionsConfig(functions: functions), backend: wrap?(docker) ?? docker,
            logger: logger)
        if start {
            service.start()
            guard awaitSync else { return }
            try await waitUntil("the first sync") { await self.service.workers.dockerReachable }
        } else {
            try await service.syncNow()
        }
    }

    /// A function name no other test uses.
    static func uniqueFunction(_ prefix: String) -> String {
        "\(prefix)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }

    /// The echo fixture as a function.
    static func echo(
        _ name: String, maxConcurrency: Int = 4, minWarm: Int = 0, image: String = image,
        environment: [String: String] = ["GREETING": "hi"]
    )
        -> FunctionConfig
    {
        FunctionConfig(
            name: name, image: image, environment: environment, timeout: 30, memorySize: 128,
            maxConcurrency: maxConcurrency,
            minWarm: minWarm)
    }

    /// Calls the API in-process; returns the status and the parsed JSON body.
    func call(
        _ method: String, _ path: String, body: String? = nil, token: String? = ManagerHarness.token,
        gateway: String? = nil
    ) async -> (status: Int, json: JSONValue?) {
        var headers: HTTPHeaders = [:]
        if let token { headers.add(name: "X-ESB-Token", value: token) }
        if let gateway { headers.add(name: "X-ESB-Gateway", value: gateway) }
        let response = await service.handle(
            HTTPRequest(method: method, target: path, headers: headers, body: Array((body ?? "").utf8)))
        return (response.status, try? JSONValue(parsing: response.body))
    }

    /// `POST /v1/functions/{name}/workers`, as gateway `gateway` (nil: no `X-ESB-Gateway` header).
    func lease(_ function: String, count: Int = 1, gateway: String? = nil) async -> (status: Int, json: JSONValue?) {
        await call("POST", "/v1/functions/\(function)/workers", body: #"{"count":\#(count)}"#, gateway: gateway)
    }

    /// `POST /v1/workers/heartbeat`, as gateway `gateway` (nil: no `X-ESB-Gateway` header).
    func heartbeat(leased: [String] = [], released: [String] = [], gateway: String? = nil) async -> [String] {
        func list(_ ids: [String]) -> String { "[" + ids.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
        let answer = await call(
            "POST", "/v1/workers/heartbeat", body: #"{"leased":\#(list(leased)),"released":\#(list(released))}"#,
            gateway: gateway)
        return answer.json?["revoked"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// `GET /v1/workers` as a list of objects.
    func listed() async -> [JSONValue] {
        await call("GET", "/v1/workers").json?["workers"]?.arrayValue ?? []
    }

    /// Invokes the worker's RIE directly (what the gateway does), with a generous deadline.
    func invoke(host: String, port: Int, payload: String) async throws -> (status: Int, body: String) {
        let endpoint = HTTPEndpoint(host: host, port: port)
        let request = RIEInvocation.request(to: endpoint, payload: Array(payload.utf8), requestID: "", traceID: "")
        let response = try await http.execute(request, to: endpoint, timeout: .seconds(60))
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    /// Docker's view of one container (nil when it does not exist).
    func inspect(_ id: String) async -> ContainerDetails? {
        try? await docker.inspectContainer(id)
    }

    /// Containers of this harness's instance, any state.
    func containers() async throws -> [ContainerSummary] {
        try await docker.listContainers(all: true, labels: ["esb.instance=\(instance)"])
    }

    /// Stops the manager and removes every container of this instance.
    func finish() async {
        if ProcessInfo.processInfo.environment["ESB_TEST_PRINT_LOGS"] == "1" {
            for line in logs.all where line["logger"]?.stringValue != "lambda" {
                print("[\(instance)] \(line.jsonString)")
            }
        }
        await service.shutdown()
        for container in (try? await containers()) ?? [] {
            try? await docker.removeContainer(container.id, force: true)
        }
        logs.sink.close(timeout: .seconds(2))
    }

    /// Runs `body`, then `finish()` whatever happened.
    func run(_ body: (ManagerHarness) async throws -> Void) async throws {
        do {
            try await body(self)
        } catch {
            await finish()
            throw error
        }
        await finish()
    }
}

/// A `LogSink` writing into a pipe that the test reads: exactly the bytes the manager would print on stdout.
final class CapturedLogs: Sendable {
    let sink: LogSink
    private let store = LineStore()

    final class LineStore: Sendable {
        let lines = Mutex<[String]>([])
    }

    init() {
        var fds: [Int32] = [0, 0]
        pipe(&fds)
        let readEnd = fds[0]
        sink = LogSink(fileDescriptor: fds[1])
        let store = self.store
        let reader = Thread {
            var partial: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                for byte in buffer[0..<n] {
                    if byte == 0x0A {
                        let line = String(decoding: partial, as: UTF8.self)
                        store.lines.withLock { $0.append(line) }
                        partial.removeAll()
                    } else {
                        partial.append(byte)
                    }
                }
            }
        }
        reader.start()
    }

    /// Every line so far, parsed.
    var all: [JSONValue] { store.lines.withLock { $0 }.compactMap { try? JSONValue(parsing: $0) } }

    /// Waits for a line matching `predicate`.
    func first(timeout: Duration = .seconds(10), where predicate: (JSONValue) -> Bool) async throws -> JSONValue {
        var found: JSONValue?
        try await waitUntil("a log line", timeout: timeout) {
            found = all.first(where: predicate)
            return found != nil
        }
        return found!
    }
}
