public import BoxCore
import BoxCrypto
public import HTTP1
public import Telemetry
import Prometheus
import Synchronization

/// The Manager (docs/contract.md §4): its HTTP API as a pure `handle(_:)` plus the background work (Docker supervision,
/// idle scan) started by `start()`. The executable puts `handle` behind `Reactor.HTTPServer`.
public final class ManagerService: Sendable {
    public let settings: ManagerSettings
    let workers: WorkerManager
    let logger: Logger
    /// Where the workers run (docs/manager.md, "Backend").
    let backend: any WorkerBackend
    /// The `/metrics` series (docs/observability.md).
    public let metrics: ManagerMetrics
    private let background = BackgroundTasks()

    /// A manager for `functions`, running workers on `backend`.
    public init(
        settings: ManagerSettings, functions: FunctionsConfig, backend: any WorkerBackend, logger: Logger,
        clock: any ManagerClock = SystemManagerClock()
    ) {
        self.settings = settings
        self.backend = backend
        self.logger = logger
        let metrics = ManagerMetrics()
        self.metrics = metrics
        workers = WorkerManager(
            backend: backend, settings: settings, functions: functions, clock: clock,
            logger: logger.named("manager.workers"),
            metrics: metrics)
    }

    /// Starts the Docker supervisor (sync, adopt, events, reconnect) and the idle scan; returns at once. The scan
    /// sleeps until the table's next deadline, woken sooner when a change brings one forward (docs/manager.md).
    public func start() {
        let workers = self.workers
        background.add(Task { await workers.supervise() })
        background.add(
            Task {
                while !Task.isCancelled {
                    let now = await workers.armIdleTimer()
                    await workers.idleTimer.sleep(now: now, minimum: WorkerManager.minimumScanGap)
                    if Task.isCancelled { return }
                    await workers.tick()
                }
            })
    }

    /// Runs Adopt & Sync once and waits for it (tests; `start()` does it in the background).
    public func syncNow() async throws(ManagerError) {
        try await workers.sync()
    }

    /// Applies a reloaded `functions.yml` (SIGHUP).
    public func reload(_ functions: FunctionsConfig) async {
        await workers.reload(functions)
    }

    /// Answers every `GET /v1/workers/gone` long poll now and any later one at once, so that a draining HTTP
    /// server is not held by them (call before the server's shutdown).
    public func endLongPolls() {
        workers.gone.close()
    }

    /// `GET /metrics` (docs/observability.md): the text exposition, workers read from the table now.
    public func metricsResponse() async -> HTTPResponse {
        let records = await workers.snapshot().map(\.record)
        let functions = await workers.functions.functions.map(\.name)
        let text = metrics.render(workers: records, functions: functions, sink: logger.sink)
        return HTTPResponse(status: 200, contentType: PrometheusCollectorRegistry.contentType, text: text)
    }

    /// Stops the background tasks and log followers. Workers keep running: the next manager adopts them.
    public func shutdown() async {
        background.cancelAll()
        await workers.stopFollowing()
    }

    /// Answers one API request (§4.2). Never throws: every failure is a JSON error response.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let requestID = request.headers["X-Request-Id"].flatMap { $0.isEmpty ? nil : $0 } ?? UUIDv4.string()
        var response: HTTPResponse
        do {
            response = try await route(request, requestID: requestID)
        } catch {
            response = error.httpResponse
            if error.code == .dockerUnavailable || error.code == .dockerFailed || error.code == .workerNotReady {
                logger.warning(
                    "request failed", fields: ["path": .string(String(request.path)), "error": .string(error.message)],
                    requestID: requestID)
            }
        }
        response.headers.replaceOrAdd(name: "X-Request-Id", value: requestID)
        return response
    }

    private func route(_ request: HTTPRequest, requestID: String) async throws(ManagerError) -> HTTPResponse {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: true).map {
            Self.percentDecode($0)
        }
        if segments == ["health"] {
            guard request.method == "GET" || request.method == "HEAD" else { throw Self.methodNotAllowed }
            return await health()
        }
        try authorize(request)
        // Nothing is answered from a table the first Adopt & Sync has not filled (docs/manager.md, "Start-up"):
        // calls wait for its first attempt, and get 503 while no sync has succeeded (Docker unreachable at start).
        guard await workers.firstSync.wait() else {
            throw ManagerError(.dockerUnavailable, "Docker is unavailable: the workers have not been synced yet")
        }
        switch (request.method, segments.count, segments.first) {
        case ("POST", 4, "v1") where segments[1] == "functions" && segments[3] == "workers":
            return try await leaseWorkers(
                function: segments[2], body: request.body, gateway: try Self.gatewayID(request), requestID: requestID)
        case (_, 4, "v1") where segments[1] == "functions" && segments[3] == "workers":
            throw Self.methodNotAllowed
        case ("GET", 2, "v1") where segments[1] == "workers":
            return await listWorkers()
        case ("POST", 3, "v1") where segments[1] == "workers" && segments[2] == "heartbeat":
            return try await heartbeat(body: request.body, gateway: try Self.gatewayID(request))
        case ("GET", 3, "v1") where segments[1] == "workers" && segments[2] == "gone":
            return try await goneWorkers(query: request.query)
        case ("DELETE", 3, "v1") where segments[1] == "workers":
            try await workers.deleteWorker(segments[2])
            return HTTPResponse(status: 204)
        case ("GET", 4, "v1") where segments[1] == "workers" && segments[3] == "logs":
            return await invocationLog(worker: segments[2], query: request.query)
        case (_, 2, "v1") where segments[1] == "workers", (_, 3, "v1") where segments[1] == "workers":
            throw Self.methodNotAllowed
        case ("POST", 2, "containers") where segments[1] == "ensure":
            return try await ensure(body: request.body)
        case (_, 2, "containers") where segments[1] == "ensure":
            throw Self.methodNotAllowed
        default:
            throw ManagerError(.routeNotFound, "Not Found")
        }
    }

    /// The `X-ESB-Token` check, in constant time. An unset `MANAGER_TOKEN` lets nothing in.
    private func authorize(_ request: HTTPRequest) throws(ManagerError) {
        guard !settings.token.isEmpty, let given = request.headers["X-ESB-Token"],
            constantTimeEquals(given, settings.token)
        else { throw ManagerError(.unauthorized, "Unauthorized") }
    }

    static let methodNotAllowed = ManagerError(.methodNotAllowed, "Method Not Allowed")

    /// A path segment or query value with `%XX` decoded (BoxCore's decoder, as the gateway's router uses).
    static func percentDecode(_ segment: Substring) -> String {
        PercentDecoding.decode(segment.utf8)
    }
}

/// Background tasks to cancel at shutdown.
final class BackgroundTasks: Sendable {
    private let tasks = Mutex<[Task<Void, Never>]>([])
    func add(_ task: Task<Void, Never>) { tasks.withLock { $0.append(task) } }
    func cancelAll() { tasks.withLock { $0 }.forEach { $0.cancel() } }
}
