import ESBTestSupport
import Foundation
import HTTP1
import Reactor
@testable import GatewayService

/// The REAL `esb-manager` binary (built next to the test bundle) on a Unix socket in a temp dir, driving the real
/// dockerd with `esb-test/echo:latest` workers on its own network, isolated by a unique `ESB_INSTANCE`; and
/// `FunctionInvoker`s that talk to it and to the workers' RIEs through the Reactor's real `HTTPClient`.
final class InvokerManagerHarness: Sendable {
    let function: String
    let instance: String
    let directory: URL
    let socket: String
    let token = "pools-token-\(UInt32.random(in: 0...UInt32.max))"
    let process: Process
    let spec: PoolFunctionSpec

    /// `esb-manager` next to the test bundle, or `ESB_MANAGER_BINARY` (bench/invoker-bench.sh runs a release test
    /// build against a debug manager: the warm path it measures makes no Manager call).
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["ESB_MANAGER_BINARY"] { return URL(fileURLWithPath: path) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if dir.path.hasSuffix(".xctest/Contents/MacOS") {
            dir = dir.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        }
        return dir.appendingPathComponent("esb-manager")
    }

    /// Starts the manager with one echo function; `timeout` becomes `AWS_LAMBDA_FUNCTION_TIMEOUT` in its workers.
    init(maxConcurrency: Int, timeout: Int = 30, environment: [String: String] = [:]) async throws {
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        function = "pools-\(suffix)"
        instance = "pools-test-\(suffix)"
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("esb-pools-\(suffix)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        socket = directory.appendingPathComponent("manager.sock").path
        let yaml = """
            functions:
              \(function):
                image: "esb-test/echo:latest"
                timeout: \(timeout)
                max_concurrency: \(maxConcurrency)
            """
        let functionsPath = directory.appendingPathComponent("functions.yml")
        try yaml.write(to: functionsPath, atomically: true, encoding: .utf8)
        spec = PoolFunctionSpec(
            name: function, maxConcurrency: maxConcurrency, timeout: .seconds(timeout), revision: "1")
        process = Process()
        process.executableURL = Self.binary
        process.environment = ProcessInfo.processInfo.environment.merging(
            [
                "MANAGER_LISTEN": "unix://\(socket)", "MANAGER_TOKEN": token,
                "FUNCTIONS_CONFIG_PATH": functionsPath.path,
                "LAMBDA_NETWORK": TestNetwork.name, "ESB_INSTANCE": instance, "DOCKER_STOP_TIMEOUT": "0",
                "CONTAINER_READINESS_TIMEOUT": "20", "LOG_LEVEL": "WARNING",
            ].merging(environment) { $1 }
        ) { $1 }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let health = HTTPClient()
        for _ in 0..<200 {
            let response = try? await health.execute(
                HTTPRequest(method: "GET", target: "/health"), to: HTTPEndpoint(unixPath: socket), timeout: .seconds(2))
            if response?.status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        throw HarnessError.managerDidNotStart
    }

    enum HarnessError: Error { case managerDidNotStart }

    /// dockerd answers and the fixture image exists (tests-e2e/setup.sh builds it).
    static func dockerReady() async -> Bool {
        await sh("docker image inspect esb-test/echo:latest >/dev/null 2>&1").status == 0
    }

    /// An invoker as the gateway builds it (real HTTP client, real Manager on the Unix socket).
    func invoker(
        acquireTimeout: Duration = .seconds(20), cacheTTL: Duration = .seconds(30), gatewayID: String = "gw-test",
        heartbeatInterval: Duration = .seconds(10), workerConnectTimeout: Duration = .seconds(5)
    ) -> FunctionInvoker {
        var configuration = InvokerConfiguration(managerURL: "unix://\(socket)", managerToken: token)
        configuration.gatewayID = gatewayID
        configuration.acquireTimeout = acquireTimeout
        configuration.cacheTTL = cacheTTL
        configuration.heartbeatInterval = heartbeatInterval
        // Warnings and errors (worker dropped, heartbeat failed) go to the test output: they explain a failure.
        let logger = InvokerLogger { level, message, fields in
            if level >= .warning {
                print("[pools \(level)] \(message) \(fields.map { "\($0.0)=\($0.1)" }.joined(separator: " "))")
            }
        }
        return FunctionInvoker(
            configuration: configuration,
            transport: ReactorWorkerTransport(client: HTTPClient(connectTimeout: workerConnectTimeout)),
            managerTransport: ReactorWorkerTransport(client: HTTPClient()), logger: logger)
    }

    /// `docker ps -a` states of this instance's workers, by full id.
    func containerStates() async -> [String: String] {
        let out = await sh(
            "docker ps -a --no-trunc --filter label=esb.instance=\(instance) --format '{{.ID}} {{.State}}'"
        ).output
        var states: [String: String] = [:]
        for line in out.split(separator: "\n") {
            let f = line.split(separator: " ")
            if f.count == 2 { states[String(f[0])] = String(f[1]) }
        }
        return states
    }

    /// The Manager's `GET /v1/workers`.
    func listed() async throws -> [ManagerWorker] {
        try await ManagerClient(
            url: "unix://\(socket)", token: token, transport: ReactorWorkerTransport(client: HTTPClient())
        )
        .listWorkers()
    }

    func invoke(_ invoker: FunctionInvoker, _ payload: String, id: String = "req") async -> Result<
        InvocationOutcome, InvocationFailure
    > {
        do {
            return .success(try await invoker.invoke(spec, payload: Array(payload.utf8), requestID: id, traceID: ""))
        } catch { return .failure(error) }
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Runs `body`, then `finish()` whether it threw or not (containers never outlive a failed test).
    func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            await finish()
            throw error
        }
        await finish()
    }

    /// Stops the manager and removes its workers and files.
    func finish() async {
        stop()
        _ = await sh("docker ps -aq --filter label=esb.instance=\(instance) | xargs -r docker rm -f >/dev/null 2>&1")
        try? FileManager.default.removeItem(at: directory)
    }
}
