/// The lease and idle state machine of every worker (docs/contract.md §3.7, §4.3, §4.4). Pure: no I/O, no clock of
/// its own; the caller passes `now` and carries out the Docker work the answers ask for, then reports back.
///
/// Slots are reserved synchronously before any Docker call is awaited, so concurrent callers can never
/// create more workers than asked for or than `max_concurrency` allows.
struct WorkerTable: Sendable {
    /// Lease and idle timing.
    var idle: IdlePolicy
    /// Configured functions by name.
    private(set) var policies: [String: FunctionPolicy] = [:]
    /// Workers by key (container id, or placeholder while starting).
    var workers: [String: WorkerRecord] = [:]
    private var placeholderCounter = 0

    /// A table with no functions and no workers.
    init(idle: IdlePolicy) {
        self.idle = idle
    }

    /// What a lease request obtained, and the Docker work it needs.
    struct Reservation: Sendable, Equatable {
        /// Released running workers, now leased: ready to hand out.
        var warm: [WorkerRecord] = []
        /// Paused workers, now leased: to unpause, then hand out.
        var resume: [String] = []
        /// Placeholders of workers to create, leased once started.
        var create: [String] = []
        /// Fewer than asked because of `max_concurrency`.
        var limitReached = false
    }

    // MARK: configuration

    /// Installs the configured functions; workers whose function is gone or whose hash differs are retired.
    mutating func apply(policies: [String: FunctionPolicy]) {
        self.policies = policies
        for key in Array(workers.keys) {
            guard var record = workers[key] else { continue }
            if policies[record.function]?.configHash != record.configHash && !record.retired {
                record.retired = true
                workers[key] = record
            }
        }
    }

    /// Updates one function's hash (its image was rebuilt); its older workers are retired.
    mutating func updateHash(of function: String, to hash: String) {
        guard var policy = policies[function], policy.configHash != hash else { return }
        policy.configHash = hash
        var all = policies
        all[function] = policy
        apply(policies: all)
    }

    // MARK: leasing

    /// Leases up to `count` workers of `function` to `holder`: released warm ones first (most recently used
    /// first), then paused ones, then placeholders for new ones within `max_concurrency`. Nil for an unknown
    /// function.
    mutating func reserve(function: String, count: Int, holder: WorkerRecord.Holder, now: Duration) -> Reservation? {
        guard let policy = policies[function] else { return nil }
        var result = Reservation()
        var remaining = max(0, count)
        let available = { (r: WorkerRecord) in
            r.function == function && r.holder == .none && !r.retired && r.configHash == policy.configHash
        }
        let warm = workers.values.filter { available($0) && $0.state == .running }.sorted { $0.lastUsed > $1.lastUsed }
        for record in warm.prefix(remaining) {
            lease(record.key, to: holder, now: now)
            result.warm.append(workers[record.key]!)
            remaining -= 1
        }
        let paused = workers.values.filter { available($0) && $0.state == .paused }.sorted { $0.lastUsed > $1.lastUsed }
        for record in paused.prefix(remaining) {
            lease(record.key, to: holder, now: now)
            workers[record.key]!.state = .resuming
            result.resume.append(record.key)
            remaining -= 1
        }
        let existing = workers.values.filter { $0.function == function }.count
        let creatable = min(remaining, max(0, policy.maxConcurrency - existing))
        for _ in 0..<creatable {
            let key = addPlaceholder(function: function, hash: policy.configHash, holder: holder, now: now)
            result.create.append(key)
            remaining -= 1
        }
        result.limitReached = remaining > 0
        return result
    }

    /// A worker of `function` the compatibility call already holds and can reuse at once (lease renewed).
    mutating func renewEnsureLease(function: String, now: Duration) -> WorkerRecord? {
        guard let policy = policies[function],
            let record = workers.values.first(where: {
                $0.function == function && $0.holder == .ensure && $0.state == .running && !$0.retired
                    && $0.configHash == policy.configHash
            })
        else { return nil }
        lease(record.key, to: .ensure, now: now)
        return workers[record.key]
    }

    private mutating func lease(_ key: String, to holder: WorkerRecord.Holder, now: Duration) {
        workers[key]?.holder = holder
        workers[key]?.leaseExpiry = now + idle.leaseTimeout
        workers[key]?.lastUsed = now
    }

    mutating func addPlaceholder(function: String, hash: String, holder: WorkerRecord.Holder, now: Duration) -> String {
        placeholderCounter += 1
        let key = "starting-\(placeholderCounter)"
        workers[key] = WorkerRecord(
            key: key, name: "", function: function, configHash: hash, state: .starting, holder: holder,
            leaseExpiry: holder == .none ? nil : now + idle.leaseTimeout, lastUsed: now, created: now)
        return key
    }

    // MARK: Docker outcomes

    /// A cold start finished: the placeholder becomes the container (still leased by whoever reserved it).
    /// Nil when the placeholder is gone (never expected; the caller then removes the container).
    @discardableResult
    mutating func started(
        placeholder: String, id: String, name: String, host: String, port: Int, now: Duration
    ) -> WorkerRecord? {
        guard var record = workers.removeValue(forKey: placeholder) else { return nil }
        record.key = id
        record.name = name
        record.host = host
        record.port = port
        record.state = .running
        record.lastUsed = now
        if record.holder != .none { record.leaseExpiry = now + idle.leaseTimeout }
        workers[id] = record
        return record
    }

    /// A cold start failed: its slot is free again.
    mutating func startFailed(placeholder: String) {
        workers.removeValue(forKey: placeholder)
    }

    /// `docker unpause` succeeded.
    mutating func resumed(_ id: String, now: Duration) -> WorkerRecord? {
        guard workers[id]?.state == .resuming else { return workers[id] }
        workers[id]?.state = .running
        workers[id]?.lastUsed = now
        return workers[id]
    }

    /// `docker pause` succeeded. True when someone leased the worker meanwhile: unpause it again at once.
    mutating func paused(_ id: String) -> Bool {
        guard let record = workers[id], record.state == .pausing else { return false }
        if record.isLeased {
            workers[id]?.state = .resuming
            return true
        }
        workers[id]?.state = .paused
        return false
    }

    /// `docker pause` failed (and the container still exists): it stays running.
    mutating func pauseFailed(_ id: String) {
        if workers[id]?.state == .pausing { workers[id]?.state = .running }
    }

    /// Marks a worker for removal; false when unknown or already being removed.
    mutating func beginRemoval(_ id: String) -> Bool {
        guard let record = workers[id], record.state != .stopping, record.state != .starting else { return false }
        workers[id]?.state = .stopping
        return true
    }

    /// The container is gone (removed by us, or it died): forget it. Returns what was known.
    @discardableResult
    mutating func forget(_ id: String) -> WorkerRecord? {
        workers.removeValue(forKey: id)
    }

    /// Takes over a running or paused container found at start (or after Docker came back). It is held until
    /// a gateway's heartbeat lists it (that gateway becomes its holder) or the lease timeout passes (then it
    /// is released), so it is never handed to a second caller while the first may still be using it.
    mutating func adopt(
        id: String, name: String, function: String, hash: String, host: String, port: Int, paused: Bool, now: Duration
    ) {
        if workers[id] != nil { return }
        workers[id] = WorkerRecord(
            key: id, name: name, function: function, configHash: hash, host: host, port: port,
            state: paused ? .paused : .running, holder: .adoption, leaseExpiry: now + idle.leaseTimeout, lastUsed: now,
            created: now, retired: policies[function]?.configHash != hash)
    }

    /// Workers of one function that are not being removed.
    func workers(of function: String) -> [WorkerRecord] {
        workers.values.filter { $0.function == function && $0.state != .stopping }
    }
}
