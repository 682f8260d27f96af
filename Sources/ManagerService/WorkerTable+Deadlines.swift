/// When the idle scan is next due (docs/manager.md, "Idle handling"), so that its timer sleeps exactly that long.
extension WorkerTable {
    /// When the next lease lapses or idle threshold passes (nil: nothing pending); a released retired worker is due
    /// at once. Workers kept for `min_warm` are never paused or stopped for idleness, so their thresholds do not count.
    func nextDeadline() -> Duration? {
        var next: Duration?
        func consider(_ t: Duration) { next = next.map { min($0, t) } ?? t }
        var protected: [String: Set<String>] = [:]
        for (function, policy) in policies where policy.minWarm > 0 {
            protected[function] = protectedWarmKeys(of: function)
        }
        for record in workers.values {
            if record.isLeased {
                if let expiry = record.leaseExpiry { consider(expiry) }
                continue
            }
            if record.retired {
                // Released and outdated: removed by the next scan, so it is due now.
                if record.state == .running || record.state == .paused { consider(record.lastUsed) }
                continue
            }
            if protected[record.function]?.contains(record.key) == true { continue }
            if record.state == .running, let pauseAfter = idle.pauseAfter { consider(record.lastUsed + pauseAfter) }
            if record.state == .running || record.state == .paused { consider(record.lastUsed + idle.stopAfter) }
        }
        return next
    }

    /// True when some function has fewer than `min_warm` started workers and the scan could start or resume one
    /// (a start that failed is tried again at the next scan).
    func lacksWarmWorkers() -> Bool {
        for (function, policy) in policies where policy.minWarm > 0 {
            let mine = workers.values.filter { $0.function == function && !$0.retired }
            let warm = mine.filter { [.starting, .running, .resuming].contains($0.state) }.count
            guard warm < policy.minWarm else { continue }
            let room = policy.maxConcurrency - workers.values.filter { $0.function == function }.count
            if room > 0 || mine.contains(where: { $0.state == .paused && !$0.isLeased }) { return true }
        }
        return false
    }
}
