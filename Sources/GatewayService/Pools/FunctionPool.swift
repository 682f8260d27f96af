/// One leased worker inside a pool.
struct WorkerSlot: Sendable {
    /// Why a slot is on its way out: it takes no new request and leaves when its invocations are done.
    enum Retirement: Sendable, Equatable {
        /// Serving.
        case none
        /// Released to the Manager when idle (configuration changed, function removed, shutdown).
        case release
        /// Revoked by the Manager: forgotten when idle, nothing to tell.
        case forget
        /// Broken: forgotten when idle, the Manager was asked to delete it.
        case broken
    }

    var worker: PoolWorker
    /// Invocations running on it now (≤ the function's `rie_concurrency`).
    var inFlight = 0
    /// When its last invocation finished (or when it joined the pool).
    var lastUsed: Duration
    /// The next invocation runs the function's init (fresh worker or RIE reset).
    var fresh: Bool
    var retirement = Retirement.none
}

/// The state of one function's pool: leased workers, requests waiting (FIFO) and workers coming from the Manager.
/// Pure: every method takes `now`; the registry turns decisions into effects.
struct FunctionPool: Sendable {
    var spec: PoolFunctionSpec
    var slots: [WorkerSlot] = []
    /// Workers asked of the Manager whose answer has not come yet.
    var coming = 0
    var waiters = WaiterQueue()
    /// Last time a request touched the pool (LRU of the host cache).
    var lastTouched: Duration
    /// Not before this instant may the Manager be asked again (after `limit_reached`).
    var retryAt: Duration?
    var retryScheduled = false
    /// The function left the configuration: the pool only drains.
    var defunct = false

    init(spec: PoolFunctionSpec, now: Duration) {
        self.spec = spec
        self.lastTouched = now
    }

    /// The most recently used serving slot with room: reusing the hottest worker lets the others go idle and be
    /// released by the TTL.
    func freeSlotIndex() -> Int? {
        var best: Int?
        for i in slots.indices where slots[i].retirement == .none && slots[i].inFlight < spec.rieConcurrency {
            if let b = best, slots[b].lastUsed >= slots[i].lastUsed { continue }
            best = i
        }
        return best
    }

    /// The warm path: a free slot when the settings are still `spec` and nobody waits, taken for one request.
    mutating func takeWarm(_ spec: PoolFunctionSpec, now: Duration) -> WorkerGrant? {
        guard self.spec == spec, waiters.isEmpty, let i = freeSlotIndex() else { return nil }
        lastTouched = now
        return take(i)
    }

    /// Runs `body`, then hands free capacity to waiters, asks for missing workers and removes the retiring slots
    /// left idle; returns their ids (to release to the Manager).
    mutating func change(
        now: Duration, into effects: inout [PoolEffect], _ body: (inout FunctionPool, inout [PoolEffect]) -> Void
    ) -> [String] {
        body(&self, &effects)
        dispatch(into: &effects)
        replenish(now: now, into: &effects)
        return collectRetired()
    }

    /// Takes a unit of capacity on slot `i` for one request.
    mutating func take(_ i: Int) -> WorkerGrant {
        slots[i].inFlight += 1
        let grant = WorkerGrant(worker: slots[i].worker, coldStart: slots[i].fresh)
        slots[i].fresh = false
        return grant
    }

    var busyCount: Int { slots.reduce(0) { $0 + ($1.inFlight > 0 ? 1 : 0) } }
    var idleCount: Int { slots.count - busyCount }
    var servingCount: Int { slots.reduce(0) { $0 + ($1.retirement == .none ? 1 : 0) } }
    var inFlightCount: Int { slots.reduce(0) { $0 + $1.inFlight } }

    /// Nothing runs, nobody waits, nothing is coming: the pool may be evicted.
    var isQuiet: Bool { inFlightCount == 0 && waiters.isEmpty && coming == 0 }

    /// Gives free capacity to waiting requests, oldest first.
    mutating func dispatch(into effects: inout [PoolEffect]) {
        while let head = waiters.first, let i = freeSlotIndex() {
            waiters.removeFirst()
            effects.append(.grant(waiter: head.id, take(i)))
        }
    }

    /// Asks the Manager for the workers the waiting requests still lack: `count` = waiting requests − workers
    /// already coming (in workers, `rie_concurrency` requests each), capped by `max_concurrency` − leased − coming.
    mutating func replenish(now: Duration, into effects: inout [PoolEffect]) {
        guard !defunct else { return }
        let rie = spec.rieConcurrency
        let needed = (waiters.count + rie - 1) / rie - coming
        let room = spec.maxConcurrency - slots.count - coming
        let count = min(needed, room)
        guard count > 0 else { return }
        if let at = retryAt, now < at {
            if !retryScheduled {
                retryScheduled = true
                effects.append(.scheduleRetry(function: spec.name, at: at))
            }
            return
        }
        retryAt = nil
        coming += count
        effects.append(.requestWorkers(function: spec.name, count: count))
    }

    /// Fails the newest waiters that neither a worker coming nor a serving worker (once free) will serve.
    mutating func failUncovered(_ failure: InvocationFailure, into effects: inout [PoolEffect]) {
        let capacity = (coming + servingCount) * spec.rieConcurrency
        var excess = waiters.count - capacity
        while excess > 0, let last = waiters.removeLast() {
            effects.append(.fail(waiter: last.id, failure))
            excess -= 1
        }
    }

    /// Every serving slot retires: released to the Manager once idle.
    mutating func retireServing() {
        for i in slots.indices where slots[i].retirement == .none { slots[i].retirement = .release }
    }

    /// The pool only drains (function removed, shutdown): serving slots retire, every waiter fails with `failure`.
    mutating func drain(failing failure: InvocationFailure, into effects: inout [PoolEffect]) {
        defunct = true
        retireServing()
        for w in waiters.removeAll() { effects.append(.fail(waiter: w.id, failure)) }
    }

    /// Removes slots that are retiring and idle; returns the ids to release to the Manager.
    mutating func collectRetired() -> [String] {
        var released: [String] = []
        slots.removeAll { slot in
            guard slot.retirement != .none, slot.inFlight == 0 else { return false }
            if slot.retirement == .release { released.append(slot.worker.id) }
            return true
        }
        return released
    }
}
