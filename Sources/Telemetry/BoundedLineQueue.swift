import Posix

/// A bounded FIFO of log lines between callers (who must never block) and one consumer thread.
///
/// `push` never waits: when the queue is full — `capacity` lines, or `maxBytes` bytes, whichever comes first — the
/// line is dropped and counted (lines and bytes). Bounding bytes matters: 20,000 lines of 256 KiB would be 5 GiB
/// (docs/manager.md). The consumer blocks in
/// `popBatch` on a condition variable, and a push wakes it only when it sleeps waiting for that line: a push while
/// it writes, or while it lingers for a fuller batch, costs no system call (docs/performance.md, "System calls").
/// Its `ConditionLock` guards every field, hence `@unchecked Sendable`.
final class BoundedLineQueue: @unchecked Sendable {
    let capacity: Int
    let maxBytes: Int
    private var bytes = 0
    private var droppedBytesTotal = 0
    private let condition = ConditionLock()
    private var lines: [[UInt8]] = []
    private var head = 0
    private var closed = false
    private var droppedSinceLastTake = 0
    private var droppedTotal = 0
    /// Lines waiting at which a push wakes the consumer: 1 while it waits for any line, its batch size while it
    /// lingers, never while it is busy.
    private var wakeAt = Int.max

    init(capacity: Int, maxBytes: Int = 32 * 1024 * 1024) {
        self.capacity = max(1, capacity)
        self.maxBytes = max(1, maxBytes)
    }

    /// Appends a line; false (and counted) when the queue is full or closed.
    @discardableResult
    func push(_ line: [UInt8]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed, lines.count - head < capacity, bytes + line.count <= maxBytes else {
            droppedSinceLastTake += 1
            droppedTotal += 1
            droppedBytesTotal += line.count
            return false
        }
        bytes += line.count
        lines.append(line)
        if lines.count - head >= wakeAt {
            wakeAt = .max
            condition.signal()
        }
        return true
    }

    /// Waits for at least one line, then gathers lines until `maxLines` are there or `linger` has passed since
    /// the first one. Returns nil once the queue is closed and empty.
    func popBatch(maxLines: Int, linger: Duration) -> [[UInt8]]? {
        condition.lock()
        defer { condition.unlock() }
        defer { wakeAt = .max }
        while lines.count == head && !closed {
            wakeAt = 1
            condition.wait()
        }
        if lines.count == head { return nil }
        if linger > .zero && !closed {
            let deadline = MonotonicDeadline.after(linger)
            while lines.count - head < maxLines && !closed {
                wakeAt = maxLines
                if !condition.wait(until: deadline) { break }
            }
        }
        let end = min(lines.count, head + maxLines)
        let batch = Array(lines[head..<end])
        for line in batch { bytes -= line.count }
        head = end
        if head == lines.count {
            lines.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 4096 && head * 2 > lines.count {
            lines.removeFirst(head)
            head = 0
        }
        return batch
    }

    /// Lines dropped since the last call (the consumer reports them), resetting the count.
    func takeDropped() -> Int {
        condition.withLock {
            defer { droppedSinceLastTake = 0 }
            return droppedSinceLastTake
        }
    }

    /// Lines and bytes dropped since the start (`takeDropped` does not reset these).
    var dropped: Int { condition.withLock { droppedTotal } }
    var droppedBytes: Int { condition.withLock { droppedBytesTotal } }
    /// Bytes waiting.
    var byteCount: Int { condition.withLock { bytes } }
    var isClosed: Bool { condition.withLock { closed } }

    /// No more pushes; the consumer drains what is left and then gets nil.
    func close() {
        condition.withLock {
            closed = true
            condition.broadcast()
        }
    }
}
