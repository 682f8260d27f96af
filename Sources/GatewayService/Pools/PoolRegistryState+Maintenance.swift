/// The periodic side of the host cache: TTL release, heartbeats, adoption after a restart, configuration reloads,
/// shutdown and the metrics snapshot.
extension PoolRegistryState {
    /// TTL sweep: releases workers unused for `ttl` (never one with an invocation running), fails waiters past
    /// their deadline (their timers normally do it first), drops empty pools that have been unused for `ttl`.
    mutating func sweep(now: Duration) -> [PoolEffect] {
        var effects: [PoolEffect] = []
        var expiredIDs: [String] = []
        for name in pools.keys {
            guard var pool = pools[name] else { continue }
            for w in pool.waiters.removeExpired(now: now) { effects.append(.fail(waiter: w.id, .throttled)) }
            pool.slots.removeAll { slot in
                guard slot.retirement == .none, slot.inFlight == 0, now - slot.lastUsed >= ttl else { return false }
                expiredIDs.append(slot.worker.id)
                return true
            }
            if pool.slots.isEmpty && pool.isQuiet && (pool.defunct || now - pool.lastTouched >= ttl) {
                pools[name] = nil
            } else {
                pools[name] = pool
            }
        }
        release(expiredIDs, into: &effects)
        return effects
    }

    /// What the next heartbeat says: every worker held (busy ones included) and the releases not yet confirmed.
    func heartbeatPayload() -> (leased: [String], released: [String]) {
        var leased: [String] = []
        for pool in pools.values {
            for slot in pool.slots where slot.retirement != .broken && slot.retirement != .forget {
                leased.append(slot.worker.id)
            }
        }
        return (leased.sorted(), pendingReleases.sorted())
    }

    /// The Manager confirmed a heartbeat that carried `released`; drops `revoked` workers at once (a busy one
    /// finishes its invocation first, and takes no new one).
    mutating func heartbeatSucceeded(released: [String], revoked: [String], now: Duration) -> [PoolEffect] {
        pendingReleases.subtract(released)
        var effects: [PoolEffect] = []
        let revokedSet = Set(revoked)
        guard !revokedSet.isEmpty else { return effects }
        pendingReleases.subtract(revokedSet)
        for name in pools.keys {
            guard let pool = pools[name], pool.slots.contains(where: { revokedSet.contains($0.worker.id) }) else {
                continue
            }
            update(name, now: now, into: &effects) { pool, _ in
                for i in pool.slots.indices where revokedSet.contains(pool.slots[i].worker.id) {
                    pool.slots[i].retirement = .forget
                }
            }
        }
        return effects
    }

    /// Takes over workers the Manager lists as leased after a gateway restart, so the first request is warm.
    /// `specs` are the configured functions; a worker of an unknown function is not taken (with no configuration
    /// yet, `specs` is nil and every worker is taken with a provisional spec that the first request replaces).
    mutating func adopt(
        _ workers: [ManagerWorker], holder: String, specs: [String: PoolFunctionSpec]?, now: Duration
    ) -> [String] {
        var adopted: [String] = []
        for w in workers {
            // Only this gateway's own leases: another gateway's worker (or one with no holder) would get overlapping
            // invocations (§3.7); workers this gateway needs beyond these it leases with an acquire.
            guard w.leased == true, w.holder == holder, w.state == nil || w.state?.workerState == .running,
                let function = w.function, let endpoint = w.endpoint
            else { continue }
            let spec: PoolFunctionSpec
            if let specs {
                guard let known = specs[function] else { continue }
                spec = known
            } else {
                spec = PoolFunctionSpec(name: function, maxConcurrency: 1, timeout: .seconds(3), revision: "adopted")
            }
            var pool = pools[function] ?? FunctionPool(spec: spec, now: now)
            guard !pool.slots.contains(where: { $0.worker.id == w.id }) else { continue }
            if specs == nil { pool.spec.maxConcurrency = max(pool.spec.maxConcurrency, pool.slots.count + 1) }
            let worker = PoolWorker(id: w.id, function: function, endpoint: endpoint)
            pool.slots.append(WorkerSlot(worker: worker, lastUsed: now, fresh: false))
            pools[function] = pool
            adopted.append(w.id)
        }
        return adopted
    }

    /// A reloaded configuration: pools of removed functions drain (idle workers released now, busy ones after their
    /// invocation, waiters fail with `unknownFunction`); changed functions retire workers of the old revision.
    mutating func updateFunctions(_ specs: [String: PoolFunctionSpec], now: Duration) -> [PoolEffect] {
        var effects: [PoolEffect] = []
        for name in pools.keys {
            update(name, now: now, into: &effects) { pool, effects in
                if let spec = specs[name] {
                    if pool.spec != spec { Self.apply(spec, to: &pool) }
                    return
                }
                pool.drain(failing: .unknownFunction(name), into: &effects)
            }
        }
        return effects
    }

    /// Shutdown: no new request is served, waiters fail, every worker is released (busy ones once done).
    mutating func shutdown(now: Duration) -> [PoolEffect] {
        closed = true
        var effects: [PoolEffect] = []
        for name in pools.keys {
            update(name, now: now, into: &effects) { pool, effects in
                pool.drain(failing: .managerUnavailable("gateway is shutting down"), into: &effects)
            }
        }
        return effects
    }

    /// Pool sizes per function, for metrics.
    func snapshot() -> [String: PoolStats] {
        pools.mapValues {
            PoolStats(busy: $0.busyCount, idle: $0.idleCount, waiting: $0.waiters.count, coming: $0.coming)
        }
    }
}
