/// The host cache of §3.7: function → pool of leased workers, LRU-bounded over functions, with the TTL release,
/// the lease bookkeeping for heartbeats and the Manager's answers. A pure state machine: the caller passes `now`,
/// holds the lock, and carries out the returned `PoolEffect`s after unlocking.
struct PoolRegistryState: Sendable {
    var pools = PoolTable()
    /// Released workers the Manager has not yet been told about (sent with the next heartbeat).
    var pendingReleases: Set<String> = []
    /// Broken workers whose `DELETE` failed (Manager unreachable): retried with each heartbeat.
    var pendingDeletes: Set<String> = []
    let maxFunctions: Int
    let ttl: Duration
    let limitRetryDelay: Duration
    /// After `shutdown`: every request fails, every worker is released.
    var closed = false

    init(maxFunctions: Int, ttl: Duration, limitRetryDelay: Duration) {
        self.maxFunctions = max(1, maxFunctions)
        self.ttl = ttl
        self.limitRetryDelay = limitRetryDelay
    }

    // MARK: Acquire and finish

    /// The warm path: a free worker of the function when nobody is queued before this request. No Manager call.
    mutating func tryAcquireWarm(_ spec: PoolFunctionSpec, now: Duration) -> WorkerGrant? {
        guard !closed else { return nil }
        // In place: a copy of the pool would copy its whole slot array.
        return pools.modify(spec.name) { $0.takeWarm(spec, now: now) } ?? nil
    }

    /// Queues request `waiter` (after the warm path found nothing) and plans: a grant at once if a worker is free,
    /// else a Manager call for the missing workers. A `background` waiter (an asynchronous event) is served after
    /// every synchronous one (docs/async-invocations.md).
    mutating func enqueue(
        _ spec: PoolFunctionSpec, waiter: UInt64, deadline: Duration, now: Duration, background: Bool = false
    ) -> [PoolEffect] {
        var effects: [PoolEffect] = []
        if closed { return [.fail(waiter: waiter, .managerUnavailable("gateway is shutting down"))] }
        if !pools.contains(spec.name) {
            evictForNewPool(now: now, into: &effects)
            pools[spec.name] = FunctionPool(spec: spec, now: now)
        }
        update(spec.name, now: now, into: &effects) { pool, effects in
            if pool.spec != spec { Self.apply(spec, to: &pool) }
            pool.defunct = false
            pool.lastTouched = now
            pool.waiters.append(Waiter(id: waiter, deadline: deadline, background: background))
        }
        return effects
    }

    /// The request is done with its worker.
    mutating func finish(function: String, workerID: String, _ disposition: WorkerDisposition, now: Duration)
        -> [PoolEffect]
    {
        var effects: [PoolEffect] = []
        update(function, now: now, into: &effects) { pool, effects in
            guard let i = pool.slots.firstIndex(where: { $0.worker.id == workerID }) else { return }
            pool.slots[i].inFlight -= 1
            pool.slots[i].lastUsed = now
            pool.lastTouched = now
            switch disposition {
            case .keep: break
            case .reinitialised: pool.slots[i].fresh = true
            case .broken:
                if pool.slots[i].retirement != .broken {
                    pool.slots[i].retirement = .broken
                    effects.append(.deleteWorker(id: workerID))
                }
            }
        }
        return effects
    }

    /// A waiting request gave up (deadline passed) or was cancelled: it gets `failure` unless already served.
    mutating func abandon(function: String, waiter: UInt64, _ failure: InvocationFailure, now: Duration) -> [PoolEffect]
    {
        guard pools.modify(function, { $0.waiters.remove(id: waiter) }) ?? nil != nil else { return [] }
        return [.fail(waiter: waiter, failure)]
    }

    // MARK: The Manager's answers

    /// The Manager answered an acquire of `requested` workers.
    mutating func managerReplied(
        function: String, requested: Int, _ result: Result<ManagerAcquireReply, ManagerClientError>, now: Duration
    ) -> [PoolEffect] {
        var effects: [PoolEffect] = []
        guard pools.contains(function), !closed else {
            // Nobody wants these any more (pool evicted, function removed, shutdown): give them back.
            if case .success(let reply) = result { release(reply.workers.map(\.id), into: &effects) }
            return effects
        }
        var strays: [String] = []
        let retryDelay = limitRetryDelay
        update(function, now: now, into: &effects) { pool, effects in
            pool.coming = max(0, pool.coming - requested)
            switch result {
            case .success(let reply):
                for w in reply.workers where !pool.slots.contains(where: { $0.worker.id == w.id }) {
                    guard let endpoint = w.endpoint, !pool.defunct else { strays.append(w.id); continue }
                    let worker = PoolWorker(id: w.id, function: function, endpoint: endpoint)
                    // Only a new container runs the function's init; a warm or resumed one has run it already
                    // (a min_warm worker never invoked still inits lazily in the RIE: counted warm, ~35 ms).
                    let fresh = w.leaseKind != .warm && w.leaseKind != .resumed
                    pool.slots.append(WorkerSlot(worker: worker, lastUsed: now, fresh: fresh))
                }
                if reply.limitReached || reply.workers.count < requested { pool.retryAt = now + retryDelay }
            case .failure(let error):
                // Back off: a Manager that refuses connections would otherwise be asked again at once, in a loop.
                pool.retryAt = now + retryDelay
                pool.failUncovered(Self.invocationFailure(error, function: function), into: &effects)
            }
        }
        release(strays, into: &effects)
        return effects
    }

    /// The backoff after `limit_reached` is over: ask again if requests still lack workers.
    mutating func retryDue(function: String, now: Duration) -> [PoolEffect] {
        var effects: [PoolEffect] = []
        update(function, now: now, into: &effects) { pool, _ in pool.retryScheduled = false }
        return effects
    }

    /// The Manager's error as the request sees it.
    static func invocationFailure(_ error: ManagerClientError, function: String) -> InvocationFailure {
        switch error {
        case .unknownFunction: return .unknownFunction(function)
        case .imageMissing(let image): return .imageMissing(image)
        case .unreachable(let why): return .managerUnavailable(why)
        case .dockerUnavailable(let why): return .managerUnavailable("docker: \(why)")
        case .unauthorized: return .managerUnavailable("manager refused the token (401)")
        case .rejected(let status, let message): return .managerUnavailable("manager answered \(status): \(message)")
        case .badReply(let why): return .managerUnavailable("bad manager reply: \(why)")
        }
    }

    // MARK: Helpers

    /// Runs `body` on the pool, then hands free capacity to waiters, asks for missing workers and collects retired
    /// slots. The single place where a pool changes.
    mutating func update(
        _ function: String, now: Duration, into effects: inout [PoolEffect],
        _ body: (inout FunctionPool, inout [PoolEffect]) -> Void
    ) {
        // In place, as in tryAcquireWarm: this runs twice per request.
        guard let retired = pools.modify(function, { $0.change(now: now, into: &effects, body) }) else { return }
        release(retired, into: &effects)
    }

    /// Marks workers as released; the Manager hears of it in the next heartbeat, sent at once.
    mutating func release(_ ids: [String], into effects: inout [PoolEffect]) {
        guard !ids.isEmpty else { return }
        pendingReleases.formUnion(ids)
        if !effects.contains(.flushReleases) { effects.append(.flushReleases) }
    }

    /// New settings for a pool: workers of an older revision retire (released after their invocation).
    static func apply(_ spec: PoolFunctionSpec, to pool: inout FunctionPool) {
        if pool.spec.revision != spec.revision { pool.retireServing() }
        pool.spec = spec
    }

    /// Makes room for one more pool: evicts the least recently used quiet pool, releasing its idle workers. Pools
    /// with running or waiting requests are never evicted, so the bound can be exceeded while all are busy.
    private mutating func evictForNewPool(now: Duration, into effects: inout [PoolEffect]) {
        guard pools.count >= maxFunctions else { return }
        var victim: (name: String, touched: Duration)?
        for (name, pool) in pools.pairs where pool.isQuiet {
            if let v = victim, v.touched <= pool.lastTouched { continue }
            victim = (name, pool.lastTouched)
        }
        guard let name = victim?.name, let pool = pools.removeValue(forKey: name) else { return }
        release(
            pool.slots.filter { $0.retirement == .none || $0.retirement == .release }.map(\.worker.id), into: &effects)
    }
}
