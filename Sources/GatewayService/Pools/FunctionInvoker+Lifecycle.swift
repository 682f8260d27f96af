import Reactor

/// Start-up after a restart, the maintenance loop, configuration reloads and shutdown.
extension FunctionInvoker {
    /// Rebuilds the pools from the Manager's `GET /v1/workers` (workers it lists as leased to this gateway's id and
    /// running: this gateway held them before its restart, see docs/gateway-pools.md), renews their leases at once with a
    /// heartbeat, then starts the TTL sweep and heartbeat loop. An unreachable Manager is logged; the loop goes on.
    public func start() async {
        await rebuild()
        await heartbeat()
        let first = state.withLock { s -> Bool in
            guard !s.maintenanceStarted, !s.maintenanceStopped else { return false }
            s.maintenanceStarted = true
            return true
        }
        if first { scheduleMaintenance() }
    }

    /// Arms the next maintenance tick (`sweepInterval` from now) on the loop's timer heap; the tick runs `maintain()`
    /// and arms the next one, until `shutdown()`.
    func scheduleMaintenance() {
        let timer = clock.schedule(at: clock.now() + configuration.sweepInterval) {
            Task {
                await self.maintain()
                self.scheduleMaintenance()
            }
        }
        let stopped = state.withLock { s -> Bool in
            if !s.maintenanceStopped { s.maintenance = timer }
            return s.maintenanceStopped
        }
        if stopped { timer.cancel() }
    }

    /// Takes over the workers the Manager lists as held by this gateway; returns how many.
    @discardableResult
    func rebuild() async -> Int {
        do {
            let workers = try await manager.listWorkers()
            countCall(ManagerCall(.list, .ok))
            let now = clock.now(), holder = manager.holderID
            let adopted = state.withLock { s in
                s.rebuildPending = false
                return s.registry.adopt(workers, holder: holder, specs: s.specs, now: now)
            }
            logger.log(.info, "pools rebuilt from the manager", [("workers", String(adopted.count))])
            return adopted.count
        } catch {
            countCall(ManagerCall(.list, .failed))
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
        run(
            state.withLock { s in
                s.specs = byName
                return s.resolve(s.registry.updateFunctions(byName, now: now))
            })
    }

    /// SIGTERM, after the front drained: stops the loop, fails any request still waiting, releases every worker
    /// to the Manager in one last heartbeat.
    public func shutdown() async {
        let now = clock.now()
        let (actions, tick) = state.withLock { s in
            let tick = s.maintenance
            s.maintenance = nil
            s.maintenanceStopped = true
            return (s.resolve(s.registry.shutdown(now: now)), tick)
        }
        tick?.cancel()
        run(InvokerActions(resumes: actions.resumes, effects: actions.effects.filter { $0 != .flushReleases }))
        // The final heartbeat carries every release; one already in flight would leave them for a next one that
        // never comes, so wait until it ends (woken by it, at most ~10 s in all; a call times out after
        // managerCallTimeout anyway).
        let giveUp = ContinuousClock.now + .seconds(10)
        while await !heartbeat(), ContinuousClock.now < giveUp {
            let idle = DeadlineSignal()
            let inFlight = state.withLock { s -> Bool in
                if s.heartbeatInFlight { s.heartbeatIdleWaiters.append(idle) }
                return s.heartbeatInFlight
            }
            if inFlight { _ = await idle.wait(timeout: giveUp - ContinuousClock.now) }
        }
    }

    /// Manager calls made so far by kind and outcome, for the `esb_gateway_manager_calls_total` counter (§3.9).
    public func managerCallCounts() -> [ManagerCall: UInt64] {
        state.withLock { $0.managerCalls }
    }
}
