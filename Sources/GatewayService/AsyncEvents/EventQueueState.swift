/// The in-memory view of the spool's events (payloads stay on disk): which are ready, which wait for a retry
/// time, which run. Pure; the dispatcher holds it under its lock (docs/async-invocations.md).
struct EventQueueState: Sendable {
    struct Entry: Sendable {
        var event: SpooledEvent
        var lastResponse: EventResponse?
    }

    var entries: [String: Entry] = [:]
    /// Ready events per function, in admission (or retry-due) order.
    var ready: [String: IDQueue] = [:]
    /// Events waiting for their retry time, earliest first.
    var delayed = DueHeap()
    var running: [String: Int] = [:]
    var runningTotal = 0
    /// After SIGTERM: nothing new starts; queued events stay in the spool for the next start.
    var stopped = false

    mutating func add(_ event: SpooledEvent, now: Int64) {
        entries[event.id] = Entry(event: event)
        if event.progress.dueAtMillis > now {
            delayed.push(event.progress.dueAtMillis, event.id)
        } else {
            ready[event.function, default: IDQueue()].append(event.id)
        }
    }

    /// Moves delayed events whose time has come to their function's ready list.
    mutating func promoteDue(now: Int64) {
        while let id = delayed.popDue(now: now) {
            if let e = entries[id] { ready[e.event.function, default: IDQueue()].append(id) }
        }
    }

    /// Takes the events to start now: per function up to `capacity(function)` running, and at most `maxRunning`
    /// in all; functions take turns so one backlog does not hold the others back.
    mutating func takeStartable(capacity: (String) -> Int, maxRunning: Int) -> [Entry] {
        guard !stopped else { return [] }
        var out: [Entry] = []
        var progressed = true
        while progressed && runningTotal < maxRunning {
            progressed = false
            for function in ready.keys.sorted() where runningTotal < maxRunning {
                // In place (optional chaining on the dictionary): a copy of the queue per pop would be O(n).
                guard running[function, default: 0] < capacity(function), let id = ready[function]?.removeFirst()
                else { continue }
                if ready[function]?.isEmpty == true { ready[function] = nil }
                guard let entry = entries[id] else { continue }
                running[function, default: 0] += 1
                runningTotal += 1
                out.append(entry)
                progressed = true
            }
        }
        return out
    }

    /// An attempt ended: the event is finished (`nil` next) or goes back to wait for `next.progress.dueAtMillis`.
    mutating func attemptEnded(_ id: String, function: String, next: Entry?, now: Int64) {
        running[function, default: 1] -= 1
        if running[function] == 0 { running[function] = nil }
        runningTotal -= 1
        if let next {
            entries[id] = next
            if next.event.progress.dueAtMillis > now {
                delayed.push(next.event.progress.dueAtMillis, id)
            } else {
                ready[function, default: IDQueue()].append(id)
            }
        } else {
            entries[id] = nil
        }
    }

    var queuedCount: Int { entries.count }

    /// Admission time of the oldest queued event.
    var oldestEnqueuedAt: Int64? { entries.values.lazy.map(\.event.enqueuedAtMillis).min() }
}

/// FIFO of event ids: O(1) at both ends, compacted as the head advances.
struct IDQueue: Sendable {
    private var items: [String] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }

    mutating func append(_ id: String) { items.append(id) }

    mutating func removeFirst() -> String? {
        guard head < items.count else { return nil }
        defer {
            head += 1
            if head >= 64 && head * 2 >= items.count {
                items.removeFirst(head)
                head = 0
            }
        }
        return items[head]
    }
}

/// A binary min-heap of (due time, event id): the tick looks only at the earliest, so a large number of delayed
/// events costs nothing until they are due.
struct DueHeap: Sendable {
    private var items: [(due: Int64, id: String)] = []

    /// The earliest due time (the dispatcher's retry timer is armed for it).
    var earliestDue: Int64? { items.first?.due }

    mutating func push(_ due: Int64, _ id: String) {
        items.append((due, id))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i].due < items[parent].due else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    /// The earliest id when it is due at `now`, removed; nil otherwise.
    mutating func popDue(now: Int64) -> String? {
        guard let first = items.first, first.due <= now else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count && items[l].due < items[m].due { m = l }
                if r < items.count && items[r].due < items[m].due { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return first.id
    }
}
