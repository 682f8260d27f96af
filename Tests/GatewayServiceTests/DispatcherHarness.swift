import Foundation
import BoxCore
import Telemetry
import BoxCrypto
import HTTP1
import Synchronization
import Posix
@testable import GatewayService

/// Stands in for `FunctionInvoker` + a worker's RIE in dispatcher unit tests: records every invocation and answers
/// with what the test scripted. The real invoker with real workers is exercised by the end-to-end suites.
final class StandInInvoker: FunctionInvoking, Sendable {
    struct Call: Sendable {
        var function: String
        var payload: [UInt8]
        var requestID: String
        var traceID: String
        var clientContext: String? = nil
    }

    typealias Script = @Sendable (Call, Int) -> Result<InvocationOutcome, InvocationFailure>
    private let calls = Mutex<[Call]>([])
    private let script: Script

    /// What `invocationLog` answers (the Manager's copy of the worker's output); nil = unavailable.
    let log: [UInt8]?

    /// `script(call, n)` answers the n-th call (from 1).
    init(log: [UInt8]? = nil, _ script: @escaping Script) {
        self.script = script
        self.log = log
    }

    /// Answers every call with status 200 and `body`.
    convenience init(body: String) {
        self.init { _, _ in .success(.rie(body)) }
    }

    var recorded: [Call] { calls.withLock { $0 } }

    nonisolated(nonsending) func invoke(
        _ spec: PoolFunctionSpec, payload: [UInt8], requestID: String, traceID: String
    ) async throws(InvocationFailure) -> InvocationOutcome {
        try await invoke(spec, payload: payload, requestID: requestID, traceID: traceID, clientContext: nil)
    }

    nonisolated(nonsending) func invoke(
        _ spec: PoolFunctionSpec, payload: [UInt8], requestID: String, traceID: String, clientContext: String?
    ) async throws(InvocationFailure) -> InvocationOutcome {
        let call = Call(
            function: spec.name, payload: payload, requestID: requestID, traceID: traceID, clientContext: clientContext)
        let n = calls.withLock {
            $0.append(call); return $0.count
        }
        return try script(call, n).get()
    }

    func invocationLog(workerID: String, requestID: String) async -> [UInt8]? { log }

    func poolSnapshot() async -> [String: PoolStats] { [:] }
}

extension InvocationOutcome {
    /// What the RIE answers: status, `text/plain` like the real one, the function's payload.
    static func rie(
        _ body: String, status: Int = 200, headers: HTTPHeaders = ["Content-Type": "text/plain; charset=utf-8"]
    ) -> InvocationOutcome {
        InvocationOutcome(
            status: status, headers: headers, body: Array(body.utf8), workerID: "c0ffee", coldStart: false,
            queueWait: .milliseconds(1), functionTime: .milliseconds(2))
    }
}

/// A dispatcher over a small configuration: function `echo` (and `other`), routes `/api/echo` (GET, POST, jwt),
/// `/api/items/{id}` (GET, 2.0), `/open` (ANY, auth none), and routes with CORS settings under `/cors`.
struct DispatcherHarness {
    static let jwtKey = Array("unit-test-jwt-key-0123456789abcdef0123".utf8)
    static let env: [String: String] = [
        "X_API_KEY": "api-key-1", "AUTH_USER": "alice", "AUTH_PASS": "pw-1", "MANAGER_TOKEN": "t",
        "INVOKE_ACCESS_KEY_ID": "AKIDEXAMPLE", "INVOKE_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "MAX_BODY_BYTES": "1024", "AWS_REGION": "ap-northeast-1",
    ]

    let dispatcher: GatewayDispatcher
    let invoker: StandInInvoker
    let events: EventDispatcher
    let spoolFolder: TemporaryFolder

    init(
        invoker: StandInInvoker = StandInInvoker(body: #"{"statusCode":200,"body":"hi"}"#),
        extraEnv: [String: String] = [:]
    ) throws {
        let environment = try GatewayEnvironment.parse(Self.env.merging(extraEnv) { $1 })
        let settings = GatewaySettings(environment: environment, jwtKey: Self.jwtKey)
        let functions = FunctionsConfig(functions: [
            FunctionConfig(name: "echo", timeout: 3), FunctionConfig(name: "other"),
        ])
        let routes = try Self.routingTable()
        let config = GatewayConfigStore(GatewayConfiguration(functions: functions, routes: routes))
        let box = LinesBox()
        let log = GatewayLog(containerName: "gw-test", minimumLevel: .debug, now: { 0 }) { line in
            box.storage.withLock { $0.append(String(decoding: line, as: UTF8.self)) }
        }
        let metrics = GatewayMetrics()
        // A real spool in a fresh temporary folder; retries without pauses.
        spoolFolder = TemporaryFolder()
        var eventSettings = EventDispatcher.Settings()
        eventSettings.policy.retryDelays = [.zero]
        eventSettings.policy.backoffBase = .zero
        eventSettings.tick = .milliseconds(5)
        events = EventDispatcher(
            spool: try EventSpool(directory: spoolFolder.path, maxBytes: 1 << 20), invoker: invoker, config: config,
            log: log, metrics: metrics, settings: eventSettings)
        events.start()
        dispatcher = GatewayDispatcher(
            settings: settings, config: config, invoker: invoker, log: log, metrics: metrics, events: events)
        self.invoker = invoker
        linesBox = box
    }

    private let linesBox: LinesBox
    var logLines: [String] { linesBox.lines }

    final class LinesBox: Sendable {
        let storage = Mutex<[String]>([])
        var lines: [String] { storage.withLock { $0 } }
    }

    static let routingYAML = """
        routes:
          - { path: "/api/echo", method: "GET", function: "echo" }
          - { path: "/api/echo", method: "POST", function: "echo" }
          - { path: "/api/items/{id}", method: "GET", function: "echo", payload_format: "2.0" }
          - { path: "/open", method: "ANY", function: "echo", auth: "none" }
          - { path: "/broken", method: "GET", function: "missing" }
          - { path: "/public", method: "GET", function: "echo", auth: "none" }
          - path: "/cors/items"
            method: "GET"
            function: "echo"
            cors: &items
              allow_origins: ["https://app.example"]
              allow_headers: ["Content-Type", "Authorization"]
              expose_headers: ["X-Trace"]
              max_age: 300
          - { path: "/cors/items", method: "POST", function: "echo", cors: *items }
          - path: "/cors/any/{id}"
            method: "GET"
            function: "echo"
            cors: { allow_origins: "*", allow_methods: ["*"], allow_headers: ["*"], allow_credentials: true }
          - { path: "/cors/own", method: "GET", function: "echo", cors: { allow_origins: ["*"] } }
          - { path: "/cors/own", method: "OPTIONS", function: "echo", auth: "none" }
          - path: "/cors/http"
            method: "GET"
            function: "echo"
            payload_format: "2.0"
            cors: { allow_origins: ["https://*"] }
        """

    static func routingTable() throws -> RoutingTable {
        RoutingTable(try RoutingConfig.parse(routingYAML, path: "routing.yml"))
    }

    func send(_ method: String, _ target: String, headers: HTTPHeaders = [:], body: [UInt8] = []) async -> HTTPResponse
    {
        await dispatcher.handle(
            HTTPRequest(method: method, target: target, headers: headers, body: body), peer: "127.0.0.1:40000")
    }

    func token(subject: String = "alice", now: Int = Int(WallClock.epochMilliseconds() / 1000), lifetime: Int = 3000)
        -> String
    {
        JWT.issue(subject: subject, now: now, lifetimeSeconds: lifetime, secret: Self.jwtKey)
    }

    func bearer(_ token: String? = nil) -> HTTPHeaders {
        ["Authorization": "Bearer \(token ?? self.token())"]
    }
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A fresh folder under /tmp, removed with its last owner (the spool of a harness).
final class TemporaryFolder: Sendable {
    let path = "/tmp/esb-unit-spool-" + UUIDv4.string()
    deinit { try? FileManager.default.removeItem(atPath: path) }
}
