import BoxCore
import DockerEngine
import ManagerAPI
import Telemetry

/// Owns every worker: the lease/idle table, the Docker work it calls for, adoption, events and log following.
///
/// An actor; the table is changed only in synchronous stretches, and slots are reserved before any Docker call
/// is awaited, so concurrent callers never create more workers than asked or allowed, while calls for
/// different functions (and different cold starts of one function) proceed in parallel.
actor WorkerManager {
    let backend: any WorkerBackend
    let launcher: WorkerLauncher
    let settings: ManagerSettings
    let clock: any ManagerClock
    let logger: Logger
    /// The lease and idle state; every change re-checks whether the idle scan must come sooner.
    var table: WorkerTable {
        didSet { idleTimer.tableChanged(nextDeadline: nextScan()) }
    }
    /// Wakes the idle scan at the table's next deadline (docs/manager.md, "Idle handling").
    nonisolated let idleTimer = IdleTimer()
    var functions: FunctionsConfig
    var blueprints: [String: WorkerBlueprint] = [:]
    var followers: [String: Task<Void, Never>] = [:]
    /// Recent output per followed worker, for `GET /v1/workers/{id}/logs` (the gateway's `X-Amz-Log-Type: Tail`).
    nonisolated let logTails = WorkerLogTails()
    /// Workers that left the table, for the gateways' `GET /v1/workers/gone` long poll.
    nonisolated let gone = GoneWorkers()
    /// Whether the first Adopt & Sync has filled the table; API calls wait for it (docs/manager.md, "Start-up").
    nonisolated let firstSync = FirstSync()
    /// True while the last Docker round trip (sync or events stream) worked. The idle scan waits while it is false.
    var dockerReachable = false {
        didSet { if dockerReachable != oldValue { idleTimer.tableChanged(nextDeadline: nextScan()) } }
    }

    init(
        backend: any WorkerBackend, settings: ManagerSettings, functions: FunctionsConfig, clock: any ManagerClock,
        logger: Logger,
        metrics: ManagerMetrics = ManagerMetrics()
    ) {
        self.backend = backend
        self.launcher = WorkerLauncher(backend: backend, settings: settings, logger: logger, metrics: metrics)
        self.settings = settings
        self.clock = clock
        self.logger = logger
        self.functions = functions
        self.table = WorkerTable(
            idle: IdlePolicy(
                leaseTimeout: settings.leaseTimeout, pauseAfter: settings.pauseAfter, stopAfter: settings.idleTimeout))
        for function in functions.functions {
            blueprints[function.name] = WorkerBlueprint(function: function, imageID: nil, settings: settings)
        }
        table.apply(policies: Self.policies(blueprints))
    }

    /// What a lease call obtained.
    struct LeaseResult: Sendable {
        /// The workers, each with how it was obtained.
        var workers: [(record: WorkerRecord, how: LeaseKind)]
        /// `max_concurrency` kept the list short.
        var limitReached: Bool
    }

    // MARK: leasing

    /// Leases up to `count` workers of `function` to `holder` (§4.2). Fails only when nothing at all could be
    /// obtained and something went wrong; a short list at the limit is not an error.
    func lease(function name: String, count: Int, holder: WorkerRecord.Holder) async throws(ManagerError) -> LeaseResult
    {
        guard functions.contains(name) else { throw ManagerError(.unknownFunction, "Function not found: \(name)") }
        guard var reservation = table.reserve(function: name, count: count, holder: holder, now: clock.now()) else {
            throw ManagerError(.unknownFunction, "Function not found: \(name)")
        }
        var obtained: [(record: WorkerRecord, how: LeaseKind)] = reservation.warm.map { ($0, .warm) }
        var firstFailure: ManagerError?
        var resumeFailures = 0
        if !reservation.create.isEmpty {
            do {
                try await refreshImage(of: name, placeholders: reservation.create)
            } catch {
                for key in reservation.create { table.startFailed(placeholder: key) }
                reservation.create = []
                firstFailure = error
            }
        }
        let blueprint = blueprints[name]
        await withTaskGroup(of: StartOutcome.self) { group in
            for id in reservation.resume {
                group.addTask { [backend, launcher] in
                    await Self.resume(id, backend: backend, metrics: launcher.metrics)
                }
            }
            if let blueprint {
                for key in reservation.create {
                    group.addTask { [launcher] in await Self.launch(key, blueprint: blueprint, launcher: launcher) }
                }
            }
            for await outcome in group {
                switch outcome {
                case .resumed(let key):
                    if let record = table.resumed(key, now: clock.now()) { obtained.append((record, .resumed)) }
                case .resumeFailed(let key, let error):
                    logger.warning(
                        "unpause failed; removing the worker",
                        fields: ["worker": .string(key), "error": .string(error.message)])
                    table.forget(key)
                    Task { await launcher.remove(key) }
                    if error.code == .dockerUnavailable {
                        firstFailure = firstFailure ?? error
                    } else {
                        resumeFailures += 1
                    }
                case .started(let key, let started):
                    if let record = table.started(
                        placeholder: key, id: started.id, name: started.name, host: started.host, port: started.port,
                        now: clock.now())
                    {
                        obtained.append((record, .new))
                        startFollowingLogs(of: record, fromStart: true)
                        logger.info(
                            "worker started",
                            fields: [
                                "function": .string(name), "worker": .string(started.name), "id": .string(started.id),
                            ])
                    } else {
                        Task { await launcher.remove(started.id) }
                    }
                case .startFailed(let key, let error):
                    table.startFailed(placeholder: key)
                    noteFailure(error)
                    logger.error(
                        "cold start failed", fields: ["function": .string(name), "error": .string(error.message)])
                    firstFailure = firstFailure ?? error
                }
            }
        }
        var limitReached = reservation.limitReached
        if resumeFailures > 0 {
            // A paused worker that could not be resumed (gone) is replaced like any missing one: a released
            // worker, else a cold start within `max_concurrency` (docs/manager.md). Each round forgets the
            // workers that failed, so this ends.
            do {
                let more = try await lease(function: name, count: resumeFailures, holder: holder)
                obtained += more.workers
                limitReached = limitReached || more.limitReached
            } catch {
                firstFailure = firstFailure ?? error
            }
        }
        if obtained.isEmpty, let firstFailure { throw firstFailure }
        return LeaseResult(workers: obtained, limitReached: limitReached)
    }

    /// One child task's answer in `lease`. A plain enum built by non-generic helpers: the release build of
    /// Swift 6.3 crashed (SIGSEGV in swift_retain while copying the child's result out of the task group) when
    /// the children were closures with typed `do throws` returning a `(String, Result<...>, Bool)` tuple.
    enum StartOutcome: Sendable {
        case resumed(String)
        case resumeFailed(String, ManagerError)
        case started(String, StartedWorker)
        case startFailed(String, ManagerError)
    }

    private static func resume(_ id: String, backend: any WorkerBackend, metrics: ManagerMetrics) async -> StartOutcome
    {
        do {
            try await metrics.timed("unpause") { () async throws(DockerError) in try await backend.unpauseContainer(id)
            }
            return .resumed(id)
        } catch {
            // Unpaused behind the Manager's back (Docker answers "is not paused"): it is running, so usable
            // (docs/manager.md). Anything else (gone, Docker away) fails this resume.
            if error.code != .daemonUnreachable, error.code != .timedOut,
                let state = try? await backend.inspectContainer(id).state, state.running, !state.paused
            {
                return .resumed(id)
            }
            return .resumeFailed(id, WorkerLauncher.map(error))
        }
    }

    private static func launch(_ key: String, blueprint: WorkerBlueprint, launcher: WorkerLauncher) async
        -> StartOutcome
    {
        do {
            return .started(key, try await launcher.launch(blueprint))
        } catch {
            return .startFailed(key, error)
        }
    }

    /// The compatibility call (`POST /containers/ensure`): the worker this caller already holds, or a new lease
    /// of one (its lease lapses after `LEASE_TIMEOUT_SECONDS` unless ensured again).
    func ensure(function name: String) async throws(ManagerError) -> WorkerRecord {
        if let record = table.renewEnsureLease(function: name, now: clock.now()) { return record }
        let result = try await lease(function: name, count: 1, holder: .ensure)
        guard let first = result.workers.first?.record else {
            throw ManagerError(.atLimit, "Too Many Requests")
        }
        return first
    }

    /// A gateway's heartbeat (§3.7): returns the ids it must drop. Unpausing and removals it calls for run in
    /// the background so the answer is immediate.
    func heartbeat(from gateway: String, leased: [String], released: [String]) -> [String] {
        let outcome = table.heartbeat(from: gateway, leased: leased, released: released, now: clock.now())
        for id in outcome.heldByOthers {
            let record = table.workers[id]
            logger.warning(
                "heartbeat lists a worker another caller holds; revoked for this gateway",
                fields: [
                    "gateway": .string(gateway), "holder": .string(record?.gatewayID ?? "ensure"),
                    "worker": .string(record?.name ?? id),
                ])
        }
        for id in outcome.resume { Task { await self.perform(.resume(id)) } }
        for id in outcome.remove { Task { await self.removeWorker(id, reason: "retired") } }
        return outcome.revoked
    }

    /// Paused workers per function (functions with none are absent).
    func pausedCounts() -> [String: Int] {
        table.workers.values.reduce(into: [:]) { counts, record in
            if record.state == .paused { counts[record.function, default: 0] += 1 }
        }
    }

    /// `DELETE /v1/workers/{id}`: the gateway found it broken; remove it now (no graceful stop). A placeholder id of
    /// a cold start in progress (`starting-N`) is no worker: 404. When Docker cannot be asked the answer is 503 and
    /// the worker stays out of service (retired): the gateway sends the delete again, and the scan removes it once
    /// Docker is back (docs/manager-api.md).
    func deleteWorker(_ id: String) async throws(ManagerError) {
        guard let record = table.workers[id], record.state != .starting else {
            throw ManagerError(.unknownWorker, "Worker not found")
        }
        guard table.beginRemoval(id) else { return }
        guard await removeWorker(id, reason: "on request", graceful: false, retireOnFailure: true) else {
            throw ManagerError(.dockerUnavailable, "Docker is unavailable: worker \(record.name) was not removed")
        }
    }

    /// Every worker, for `GET /v1/workers`, with wall-clock times.
    func snapshot() -> [(record: WorkerRecord, lastUsedMs: Int64, createdMs: Int64)] {
        let now = clock.now()
        let wall = clock.wallMilliseconds()
        func wallTime(_ t: Duration) -> Int64 {
            let (s, atto) = (now - t).components
            return wall - (s * 1000 + atto / 1_000_000_000_000_000)
        }
        return table.workers.values.sorted { ($0.function, $0.created, $0.key) < ($1.function, $1.created, $1.key) }
            .map { ($0, wallTime($0.lastUsed), wallTime($0.created)) }
    }

    // MARK: helpers

    /// Before a cold start: the image must exist; when it was rebuilt since the hash was computed, the
    /// function's hash moves to the new image (older workers retire) and the placeholders take the new hash.
    private func refreshImage(of function: String, placeholders: [String]) async throws(ManagerError) {
        guard let blueprint = blueprints[function] else { return }
        let imageID = try await launcher.imageID(of: blueprint.function.image)
        guard imageID != blueprint.imageID else { return }
        let updated = WorkerBlueprint(function: blueprint.function, imageID: imageID, settings: settings)
        blueprints[function] = updated
        table.updateHash(of: function, to: updated.configHash)
        for key in placeholders where table.workers[key] != nil {
            table.workers[key]?.configHash = updated.configHash
            table.workers[key]?.retired = false
        }
    }

    /// Drops a worker from the table and stops following its logs; gateways hear of it through
    /// `GET /v1/workers/gone` at once (a dead worker's address may already belong to nobody, docs/manager-api.md).
    func forgetWorker(_ id: String) {
        if table.forget(id) != nil { gone.record([id]) }
        followers.removeValue(forKey: id)?.cancel()
    }

    /// A Docker failure that means the daemon is gone marks the Manager unhealthy until the next sync.
    func noteFailure(_ error: ManagerError) {
        if error.code == .dockerUnavailable { dockerReachable = false }
    }

    static func policies(_ blueprints: [String: WorkerBlueprint]) -> [String: FunctionPolicy] {
        blueprints.mapValues {
            FunctionPolicy(
                configHash: $0.configHash, maxConcurrency: $0.function.maxConcurrency, minWarm: $0.function.minWarm)
        }
    }
}
