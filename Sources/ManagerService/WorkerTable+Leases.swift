/// Heartbeats and the idle scan.
extension WorkerTable {
    /// What a heartbeat decided.
    struct HeartbeatOutcome: Sendable, Equatable {
        /// Ids the gateway must drop at once.
        var revoked: [String] = []
        /// Of those, the ones another caller holds (a second gateway, or `ensure`): worth a warning.
        var heldByOthers: [String] = []
        /// Paused workers the gateway still holds: unpause them.
        var resume: [String] = []
        /// Retired workers the gateway no longer holds: remove them.
        var remove: [String] = []
    }

    /// One idle-scan decision.
    enum IdleAction: Sendable, Equatable {
        /// `docker pause`.
        case pause(String)
        /// `docker unpause` (a paused worker is needed for `min_warm`).
        case resume(String)
        /// Stop and remove (idle, or retired and released).
        case remove(String)
        /// Start a worker for `min_warm` into this placeholder.
        case create(function: String, placeholder: String)
    }

    /// A heartbeat of gateway `gateway`. `leased` renews its own leases, claims workers adopted after a
    /// manager restart that nobody claimed yet, and re-takes its lapsed leases nobody else took; a worker
    /// another caller holds is not taken over but revoked for this caller. `released` ends the caller's
    /// own leases (and adoption holds: the caller held them before the restart); other ids are ignored.
    /// Adopted workers nobody lists stay held until their adoption hold lapses (`tick`): a second gateway
    /// that still uses one may not have sent its first heartbeat yet.
    mutating func heartbeat(from gateway: String, leased: [String], released: [String], now: Duration)
        -> HeartbeatOutcome
    {
        var outcome = HeartbeatOutcome()
        let caller = WorkerRecord.Holder.gateway(gateway)
        let listed = Set(leased)
        for id in leased {
            guard let record = workers[id], record.state != .stopping, record.state != .starting else {
                outcome.revoked.append(id)
                continue
            }
            switch record.holder {
            case caller, .adoption, .none:
                break
            case .gateway, .ensure:
                // Two callers on one RIE would overlap invocations (it dies): the current holder keeps it.
                outcome.revoked.append(id)
                outcome.heldByOthers.append(id)
                continue
            }
            workers[id]?.holder = caller
            workers[id]?.leaseExpiry = now + idle.leaseTimeout
            workers[id]?.lastUsed = now
            if record.retired {
                workers[id]?.revoked = true
                outcome.revoked.append(id)
            } else if record.state == .paused {
                workers[id]?.state = .resuming
                outcome.resume.append(id)
            }
        }
        for id in released where !listed.contains(id) {
            guard let record = workers[id], record.state != .stopping else {
                outcome.revoked.append(id)
                continue
            }
            if record.holder == caller || record.holder == .adoption {
                workers[id]?.holder = .none
                workers[id]?.leaseExpiry = nil
                workers[id]?.lastUsed = now
            }
        }
        // A revoked worker the gateway stopped listing has finished its last invocation.
        for (key, record) in workers
        where record.retired && record.revoked && record.holder == caller && !listed.contains(key) {
            workers[key]?.holder = .none
            if beginRemoval(key) { outcome.remove.append(key) }
        }
        return outcome
    }

    /// The idle scan: lapses stale leases, removes retired and long-idle workers, pauses idle ones, and keeps
    /// `min_warm` workers per function. The caller performs the actions and reports back.
    mutating func tick(now: Duration) -> [IdleAction] {
        var actions: [IdleAction] = []
        for (key, record) in workers where record.isLeased {
            if let expiry = record.leaseExpiry, expiry <= now {
                workers[key]?.holder = .none
                workers[key]?.leaseExpiry = nil
                workers[key]?.lastUsed = now
            }
        }
        for (key, record) in workers where record.retired && !record.isLeased {
            if record.state == .running || record.state == .paused, beginRemoval(key) { actions.append(.remove(key)) }
        }
        for function in Set(workers.values.map(\.function)) {
            let protected = protectedWarmKeys(of: function)
            for record in workers.values where record.function == function && !record.isLeased && !record.retired {
                guard !protected.contains(record.key) else { continue }
                let idleFor = now - record.lastUsed
                if (record.state == .running || record.state == .paused) && idleFor >= idle.stopAfter {
                    if beginRemoval(record.key) { actions.append(.remove(record.key)) }
                } else if record.state == .running, let pauseAfter = idle.pauseAfter, idleFor >= pauseAfter {
                    workers[record.key]?.state = .pausing
                    actions.append(.pause(record.key))
                }
            }
        }
        for (function, policy) in policies.sorted(by: { $0.key < $1.key }) where policy.minWarm > 0 {
            actions += refillWarm(function: function, policy: policy, now: now)
        }
        return actions
    }

    /// The `min_warm` most recently used running workers of a function: never paused or stopped for idleness.
    func protectedWarmKeys(of function: String) -> Set<String> {
        guard let minWarm = policies[function]?.minWarm, minWarm > 0 else { return [] }
        let running = workers.values.filter {
            $0.function == function && !$0.retired && ($0.state == .running || $0.state == .starting)
        }
        return Set(running.sorted { $0.lastUsed > $1.lastUsed }.prefix(minWarm).map(\.key))
    }

    /// Brings a function up to `min_warm` started workers: paused ones are resumed first, then new ones are
    /// created within `max_concurrency`. They stay released.
    private mutating func refillWarm(function: String, policy: FunctionPolicy, now: Duration) -> [IdleAction] {
        let mine = workers.values.filter { $0.function == function && !$0.retired }
        let warm = mine.filter { [.starting, .running, .resuming].contains($0.state) }.count
        var deficit = policy.minWarm - warm
        guard deficit > 0 else { return [] }
        var actions: [IdleAction] = []
        for record in mine.filter({ $0.state == .paused && !$0.isLeased }).prefix(deficit) {
            workers[record.key]?.state = .resuming
            actions.append(.resume(record.key))
            deficit -= 1
        }
        let room = policy.maxConcurrency - workers.values.filter { $0.function == function }.count
        for _ in 0..<max(0, min(deficit, room)) {
            let key = addPlaceholder(function: function, hash: policy.configHash, holder: .none, now: now)
            actions.append(.create(function: function, placeholder: key))
        }
        return actions
    }
}
