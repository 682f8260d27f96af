import BoxCore
import DockerEngine

/// The idle scan and the Docker work it asks for.
extension WorkerManager {
    /// One scan (§4.3): lapses leases, pauses and removes idle workers, keeps `min_warm`. Docker work runs in
    /// the background; returns what was decided (for tests and logs).
    @discardableResult
    func tick() -> [WorkerTable.IdleAction] {
        guard dockerReachable else { return [] }
        let actions = table.tick(now: clock.now())
        for action in actions { Task { await self.perform(action) } }
        return actions
    }

    /// When the scan is next due: the table's nearest deadline, or in `warmRetry` while a function lacks `min_warm`
    /// workers. Nil (sleep until the table changes) while Docker is away: the supervisor scans when it is back.
    func nextScan() -> Duration? {
        guard dockerReachable else { return nil }
        let warm = table.lacksWarmWorkers() ? clock.now() + Self.warmRetry : nil
        guard let deadline = table.nextDeadline() else { return warm }
        return warm.map { min($0, deadline) } ?? deadline
    }

    /// Arms the scan's timer with `nextScan()`; returns the clock's time for its sleep.
    func armIdleTimer() -> Duration {
        idleTimer.arm(nextScan())
        return clock.now()
    }

    /// How soon a `min_warm` shortfall (a failed start) is looked at again.
    static let warmRetry = Duration.seconds(1)
    /// Scans are at least this far apart: a deadline the scan cannot act on yet (a pause that just failed) does not
    /// spin it.
    static let minimumScanGap = Duration.milliseconds(20)

    /// Carries out one decision of the table and reports the outcome back to it.
    func perform(_ action: WorkerTable.IdleAction) async {
        switch action {
        case .pause(let id):
            do {
                try await launcher.metrics.timed("pause") { () async throws(DockerError) in
                    try await backend.pauseContainer(id)
                }
                logger.info("worker paused (idle)", fields: fields(id))
                if table.paused(id) { await perform(.resume(id)) }
            } catch {
                table.pauseFailed(id)
                await inspectAfterFailure(id, error)
            }
        case .resume(let id):
            do {
                try await launcher.metrics.timed("unpause") { () async throws(DockerError) in
                    try await backend.unpauseContainer(id)
                }
                _ = table.resumed(id, now: clock.now())
                logger.info("worker resumed", fields: fields(id))
            } catch {
                await inspectAfterFailure(id, error)
            }
        case .remove(let id):
            await removeWorker(id, reason: table.workers[id]?.retired == true ? "retired" : "idle")
        case .create(let function, let placeholder):
            guard let blueprint = blueprints[function] else {
                table.startFailed(placeholder: placeholder)
                return
            }
            do {
                let started = try await launcher.launch(blueprint)
                if let record = table.started(
                    placeholder: placeholder, id: started.id, name: started.name, host: started.host,
                    port: started.port,
                    now: clock.now())
                {
                    startFollowingLogs(of: record, fromStart: true)
                    logger.info(
                        "worker started (min_warm)",
                        fields: ["function": .string(function), "worker": .string(started.name)])
                } else {
                    await launcher.remove(started.id)
                }
            } catch {
                table.startFailed(placeholder: placeholder)
                noteFailure(error)
                logger.error(
                    "min_warm start failed", fields: ["function": .string(function), "error": .string(error.message)])
            }
        }
    }

    /// Stop (SIGTERM, then SIGKILL after `DOCKER_STOP_TIMEOUT`; skipped when not `graceful`) and remove, then
    /// forget. False when Docker could not be asked: nothing is forgotten (the next sync sees what is left) and the
    /// worker is running again — and `retired` when `retireOnFailure`, so it is never handed out again and the
    /// scan removes it once Docker is back (docs/manager.md).
    @discardableResult
    func removeWorker(_ id: String, reason: String, graceful: Bool = true, retireOnFailure: Bool = false) async -> Bool
    {
        let name = table.workers[id]?.name ?? id
        if graceful {
            do {
                try await launcher.metrics.timed("stop") { () async throws(DockerError) in
                    try await backend.stopContainer(id, timeoutSeconds: settings.stopTimeoutSeconds)
                }
            } catch  where error.code == .notFound {
            } catch {
                // A paused container cannot be stopped gracefully; removal with force still works.
            }
        }
        if await launcher.remove(id) {
            forgetWorker(id)
            logger.info("worker removed (\(reason))", fields: ["worker": .string(name), "reason": .string(reason)])
            return true
        }
        // Docker is unreachable: forget nothing; the next sync sees what is left.
        if table.workers[id]?.state == .stopping { table.workers[id]?.state = .running }
        if retireOnFailure { table.workers[id]?.retired = true }
        dockerReachable = false
        return false
    }

    /// After a failed pause/unpause: a container that is gone (or no longer running) is forgotten.
    func inspectAfterFailure(_ id: String, _ error: DockerError) async {
        if error.code == .daemonUnreachable || error.code == .timedOut {
            dockerReachable = false
            return
        }
        let details = try? await backend.inspectContainer(id)
        if details?.state.running != true {
            logger.warning("worker is gone", fields: fields(id).merging(["error": .string(error.message)]))
            await launcher.remove(id)
            forgetWorker(id)
        } else if details?.state.paused == false, table.workers[id]?.state == .resuming {
            _ = table.resumed(id, now: clock.now())
        }
    }

    func fields(_ id: String) -> JSONObject {
        let record = table.workers[id]
        return ["function": .string(record?.function ?? ""), "worker": .string(record?.name ?? id)]
    }
}

extension JSONObject {
    func merging(_ other: JSONObject) -> JSONObject {
        var out = self
        for member in other.members { out.append(key: member.key, value: member.value) }
        return out
    }
}
