/// Start-up after a restart, the maintenance loop, configuration reloads and shutdown.
extension FunctionInvoker {
    /// Rebuilds the pools from the Manager's `GET /v1/workers` (workers it lists as leased to this gateway's id and
    /// running: this gateway held them before its restart, see docs/gateway-pools.md), renews their leases at once with a
    /// heartbeat, then starts the TTL sweep and heartbeat loop. An unreachable Manager is logged; the loop goes on.
    public func start() async {
        await rebuild()
        await heartbeat()
        state.withLock { s in
            guard s.maintenance == nil else { return }
            s.maintenance = Task { [clock, configuration] in
                while !Task.isCancelled {
                    do { try await clock.sleep(until: clock.now() + configuration.sweepInterval) } catch { return }
                    await self.maintain()
                }
            }
        }
    }

    /// Takes over the workers the Manager lists as held by this gateway; returns how many.
    @discardableResult
    func rebuild() async -> Int {
        do {
            let workers = try await manager.listWorkers()
            countCall("list")
            let now = clock.now(), holder = manager.holderID
            let adopted = state.withLock { s in
                s.rebuildPending = false
                return s.registry.adopt(workers, holder: holder, specs: s.specs, now: now)
            }
            logger.log(.info, "pools rebuilt from the manager", [("workers", String(adopted.count))])
            return adopted.count
        } catch {
            countCall("list_failed")
            state.withLock { $0.rebuildPending = true }
            logger.log(.warning, "cannot rebuild pools: manager unreachable", [("error", "\(error)")])
            return 0
        }
    }

    /// One maintenance tick: the rebuild `start()` could not do, TTL sweep, then a heartbeat when one is due.
    func maintain() async {
        if state.withLock({ $0.rebuildPending }), await rebuild() > 0 {
            await heartbeat()  // renew the adopted leases before they lapse
        }
        let now = clock.now()
        let (actions, due) = state.withLock { s in
            let actions = s.resolve(s.registry.sweep(now: now))
            let due = s.lastHeartbeat.map { now - $0 >= configuration.heartbeatInterval } ?? true
            return (actions, due)
        }
        run(actions)
        if due { await heartbeat() }
    }

    /// A reloaded configuration (SIGHUP): pools of removed functions drain and release their workers, waiting
    /// requests of removed functions fail with `.unknownFunction`, changed functions retire their old workers.
    public func updateFunctions(_ specs: [PoolFunctionSpec]) async {
        let byName = Dictionary(specs.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        let now = clock.now()
        run(state.withLock { s in
            s.specs = byName
            return s.resolve(s.registry.updateFunctions(byName, now: now))
        })
    }

    /// SIGTERM, after the front drained: stops the loop, fails any request still waiting, releases every worker
    /// to the Manager in one last heartbeat.
    public func shutdown() async {
        let now = clock.now()
        let (actions, loop) = state.withLock { s in
            let loop = s.maintenance
            s.maintenance = nil
            return (s.resolve(s.registry.shutdown(now: now)), loop)
        }
        loop?.cancel()
        run(InvokerActions(resumes: actions.resumes, effects: actions.effects.filter { $0 != .flushReleases }))
        // The final heartbeat carries every release; one already in flight would leave them for a next one that
        // never comes, so wait for it (at most ~10 s; a call times out after managerCallTimeout anyway).
        var waits = 0
        while await !heartbeat(), waits < 1000 {
            waits += 1
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Manager calls made so far by kind (`acquire`, `heartbeat`, `delete`, `list`, and `<kind>_failed`), for the
    /// `esb_gateway_manager_calls_total` counter (§3.9).
    public func managerCallCounts() -> [String: UInt64] {
        state.withLock { $0.managerCalls }
    }
}
