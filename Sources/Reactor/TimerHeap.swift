/// A loop-confined timer: a deadline in the loop's heap and what to do when it passes.
/// Re-arming moves the node in the heap (no allocation per request); `cancel` removes it.
final class TimerNode {
    var deadline: UInt64 = 0
    var heapIndex = -1
    let fire: () -> Void

    init(fire: @escaping () -> Void) {
        self.fire = fire
    }

    var isArmed: Bool { heapIndex >= 0 }
}

/// An indexed binary min-heap of timers: O(log n) arm, re-arm and cancel, so thousands of connections
/// re-arming their deadline on every request never leave stale entries behind.
struct TimerHeap {
    var nodes: [TimerNode] = []

    var count: Int { nodes.count }

    /// Milliseconds until the nearest deadline, rounded up; -1 when there is none.
    func timeoutMilliseconds(now: UInt64) -> Int32 {
        guard let first = nodes.first else { return -1 }
        if first.deadline <= now { return 0 }
        let ms = (first.deadline - now + 999_999) / 1_000_000
        return Int32(min(ms, 60_000))
    }

    /// Arms (or re-arms) `node` for `deadline`.
    mutating func arm(_ node: TimerNode, at deadline: UInt64) {
        if node.isArmed {
            let earlier = deadline < node.deadline
            node.deadline = deadline
            if earlier { siftUp(node.heapIndex) } else { siftDown(node.heapIndex) }
        } else {
            node.deadline = deadline
            node.heapIndex = nodes.count
            nodes.append(node)
            siftUp(node.heapIndex)
        }
    }

    /// Disarms `node` if armed.
    mutating func cancel(_ node: TimerNode) {
        guard node.isArmed else { return }
        let i = node.heapIndex
        let last = nodes.count - 1
        if i != last { swapAt(i, last) }
        nodes.removeLast()
        node.heapIndex = -1
        if i < nodes.count {
            siftDown(i)
            siftUp(i)
        }
    }

    /// Disarms and returns the earliest timer whose deadline is at or before `now`, or nil.
    ///
    /// The caller fires it after this mutating access has ended: a timer's action may arm or cancel timers
    /// (the accept retry re-arms itself), and doing that from inside a mutating method of the heap would be
    /// a second, overlapping modify access that Swift's exclusivity check turns into a crash.
    mutating func popExpired(now: UInt64) -> TimerNode? {
        guard let first = nodes.first, first.deadline <= now else { return nil }
        cancel(first)
        return first
    }

    mutating func swapAt(_ i: Int, _ j: Int) {
        nodes.swapAt(i, j)
        nodes[i].heapIndex = i
        nodes[j].heapIndex = j
    }

    mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            guard nodes[i].deadline < nodes[parent].deadline else { return }
            swapAt(i, parent)
            i = parent
        }
    }

    mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < nodes.count, nodes[l].deadline < nodes[m].deadline { m = l }
            if r < nodes.count, nodes[r].deadline < nodes[m].deadline { m = r }
            if m == i { return }
            swapAt(i, m)
            i = m
        }
    }
}
