/// A request waiting for a worker.
struct Waiter: Sendable, Equatable {
    var id: UInt64
    /// When it gives up (`POOL_ACQUIRE_TIMEOUT` after it arrived).
    var deadline: Duration
    /// A queued asynchronous event: served only when no synchronous request waits (docs/async-invocations.md).
    var background = false
}

/// The waiting requests of one function: synchronous requests first come first served, then background events
/// (first come first served among themselves), so a backlog of events never delays a synchronous request by more
/// than the invocations already running.
struct WaiterQueue: Sendable {
    private var foreground = WaiterLane()
    private var background = WaiterLane()

    var count: Int { foreground.count + background.count }
    var isEmpty: Bool { foreground.isEmpty && background.isEmpty }
    var first: Waiter? { foreground.first ?? background.first }

    mutating func append(_ waiter: Waiter) {
        if waiter.background { background.append(waiter) } else { foreground.append(waiter) }
    }

    @discardableResult
    mutating func removeFirst() -> Waiter? { foreground.removeFirst() ?? background.removeFirst() }

    /// The newest waiter, background events before synchronous requests (the ones that can best wait).
    mutating func removeLast() -> Waiter? { background.removeLast() ?? foreground.removeLast() }

    /// Removes the waiter with this id; returns it when it was queued.
    mutating func remove(id: UInt64) -> Waiter? { foreground.remove(id: id) ?? background.remove(id: id) }

    /// Removes and returns every waiter whose deadline is at or before `now`.
    mutating func removeExpired(now: Duration) -> [Waiter] {
        foreground.removeExpired(now: now) + background.removeExpired(now: now)
    }

    /// Removes and returns all waiters, synchronous ones first.
    mutating func removeAll() -> [Waiter] { foreground.removeAll() + background.removeAll() }
}

/// First-come-first-served queue of waiting requests: O(1) at both ends, O(n) removal from the middle (a timeout or
/// a cancelled request), compacted as the head advances.
struct WaiterLane: Sendable {
    private var items: [Waiter] = []
    private var head = 0

    var count: Int { items.count - head }
    var isEmpty: Bool { head == items.count }
    var first: Waiter? { isEmpty ? nil : items[head] }

    mutating func append(_ waiter: Waiter) { items.append(waiter) }

    @discardableResult
    mutating func removeFirst() -> Waiter? {
        guard !isEmpty else { return nil }
        let w = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return w
    }

    mutating func removeLast() -> Waiter? {
        guard !isEmpty else { return nil }
        return items.removeLast()
    }

    /// Removes the waiter with this id; returns it when it was queued.
    mutating func remove(id: UInt64) -> Waiter? {
        guard let i = items[head...].firstIndex(where: { $0.id == id }) else { return nil }
        return items.remove(at: i)
    }

    /// Removes and returns every waiter whose deadline is at or before `now`.
    mutating func removeExpired(now: Duration) -> [Waiter] {
        let expired = items[head...].filter { $0.deadline <= now }
        guard !expired.isEmpty else { return [] }
        items = items[head...].filter { $0.deadline > now }
        head = 0
        return expired
    }

    /// Removes and returns all waiters, oldest first.
    mutating func removeAll() -> [Waiter] {
        let all = Array(items[head...])
        items.removeAll()
        head = 0
        return all
    }
}
