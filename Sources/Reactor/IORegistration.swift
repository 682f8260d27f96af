import Posix

/// Why a wait for readiness ended.
enum Readiness: Sendable, Equatable {
    /// The descriptor reported readiness (or an error/hang-up: the next call will tell which).
    case ready
    /// The registration's deadline passed.
    case timedOut
    /// Someone cancelled the registration (server drain, forced shutdown).
    case cancelled
}

/// A descriptor registered on one event loop, edge-triggered for input and output, with at most one
/// reader and one writer waiting, and one deadline that ends either wait.
///
/// Loop-confined: every member is used on the owning loop's thread only (callers are isolated to that
/// loop's `Loop` actor, or are loop callbacks), which is why it can be `@unchecked Sendable`.
final class IORegistration: @unchecked Sendable {
    let loop: EventLoop
    let fd: Int32
    var token: UInt64 = 0
    var readWaiter: UnsafeContinuation<Readiness, Never>?
    var writeWaiter: UnsafeContinuation<Readiness, Never>?
    var deadline = UInt64.max
    var timer: TimerNode?
    private(set) var isCancelled = false
    private(set) var isRegistered = false
    /// Called when input (or EOF) arrives while nobody waits to read: idle pooled connections close.
    var onInputWhileIdle: (() -> Void)?
    // Readiness the loop reported while nobody waited. Edge-triggered epoll reports a change once, so an edge
    // that came while the reader or writer was busy (or hopping onto the loop) is kept for its next wait
    // (docs/network-runtime.md, "Readiness").
    private var readableSeen = false
    private var writableSeen = false
    /// The loop reported the peer's FIN, a hangup or an error. Sticky: a read does not consume an end of stream
    /// the way it consumes bytes, so a reader that drained the bytes must still try once more to see it.
    private(set) var peerEndSeen = false

    /// Registers `fd` on `loop` (call on the loop thread).
    init(fd: Int32, loop: EventLoop) throws(PosixError) {
        self.loop = loop
        self.fd = fd
        token = loop.registrations.insert(self)
        do {
            try loop.epoll.add(fd, events: [.readable, .writable, .readHangup, .edgeTriggered], token: token)
        } catch {
            loop.registrations.remove(token)
            throw error
        }
        isRegistered = true
    }

    /// Removes the descriptor from the loop (before it is closed) and fails pending waits.
    func deregister() {
        guard isRegistered else { return }
        isRegistered = false
        loop.epoll.remove(fd)
        loop.registrations.remove(token)
        if let timer { loop.timers.cancel(timer) }
        timer = nil
        onInputWhileIdle = nil
        resumeAll(.cancelled)
    }

    /// Sets the deadline (absolute, loop clock ns) that ends waits with `.timedOut`; nil clears it.
    func setDeadline(_ when: UInt64?) {
        assert(loop.inLoop, "registration used off its loop")
        guard let when else {
            deadline = .max
            if let timer { loop.timers.cancel(timer) }
            return
        }
        // A closed registration arms nothing: its timer would sit in the heap until it fired for nobody.
        guard isRegistered else { return }
        deadline = when
        let node: TimerNode
        if let timer {
            node = timer
        } else {
            // weak: a timer can outlive its registration (the heap may fire it after the connection is gone).
            node = TimerNode { [weak self] in self?.resumeAll(.timedOut) }
            timer = node
        }
        loop.timers.arm(node, at: when)
    }

    /// Sets the deadline `duration` from now.
    func setDeadline(after duration: Duration) {
        setDeadline(Monotonic.now() &+ Monotonic.nanoseconds(duration))
    }

    /// True when the deadline has passed.
    var isPastDeadline: Bool { deadline != .max && Monotonic.now() >= deadline }

    /// Ends current and future waits with `.cancelled`.
    func cancel() {
        isCancelled = true
        resumeAll(.cancelled)
    }

    /// Waits until the descriptor may be readable (edge-triggered: call after a read said would-block).
    nonisolated(nonsending) func waitReadable() async -> Readiness {
        assert(loop.inLoop, "registration used off its loop")
        return await withUnsafeContinuation { waiter in
            if let now = readinessWithoutWaiting(seen: &readableSeen) {
                waiter.resume(returning: now)
            } else {
                readWaiter = waiter
            }
        }
    }

    /// Waits until the descriptor may be writable.
    nonisolated(nonsending) func waitWritable() async -> Readiness {
        await withUnsafeContinuation { waiter in
            if let now = readinessWithoutWaiting(seen: &writableSeen) {
                waiter.resume(returning: now)
            } else {
                writeWaiter = waiter
            }
        }
    }

    /// What a wait returns at once, or nil to wait. Checked inside the continuation's body: the task may hop
    /// onto the loop between calling a wait and that body, and the loop may poll meanwhile, so an edge, the
    /// deadline or a cancellation that came in between is seen here instead of being waited for in vain. An edge
    /// that came wins over a deadline that passed meanwhile, as when the loop dispatches events before timers:
    /// a loop that was slow to run this (a starved machine) makes progress instead of failing work that is ready.
    private func readinessWithoutWaiting(seen: inout Bool) -> Readiness? {
        if isCancelled || !isRegistered { return .cancelled }
        if seen {
            seen = false
            return .ready
        }
        return isPastDeadline ? .timedOut : nil
    }

    /// Called by the loop with the epoll bits for this descriptor.
    func dispatch(_ events: Epoll.Events) {
        if !events.isDisjoint(with: [.readHangup, .error, .hangup]) { peerEndSeen = true }
        if !events.isDisjoint(with: [.readable, .readHangup, .error, .hangup]) {
            if let waiter = readWaiter {
                readWaiter = nil
                waiter.resume(returning: .ready)
            } else {
                readableSeen = true
                onInputWhileIdle?()
            }
        }
        if !events.isDisjoint(with: [.writable, .error, .hangup]) {
            if let waiter = writeWaiter {
                writeWaiter = nil
                waiter.resume(returning: .ready)
            } else {
                writableSeen = true
            }
        }
    }

    func resumeAll(_ result: Readiness) {
        if let waiter = readWaiter {
            readWaiter = nil
            waiter.resume(returning: result)
        }
        if let waiter = writeWaiter {
            writeWaiter = nil
            waiter.resume(returning: result)
        }
    }
}

/// The loop's registrations by token: a slot array with generations, so an event for a descriptor
/// removed in the same `epoll_wait` batch can never reach a newer registration in the same slot.
struct RegistrationTable {
    static let wakeToken = UInt64.max
    var slots: [IORegistration?] = []
    var generations: [UInt32] = []
    var free: [Int] = []

    mutating func insert(_ registration: IORegistration) -> UInt64 {
        let index: Int
        if let reused = free.popLast() {
            index = reused
            slots[index] = registration
        } else {
            index = slots.count
            slots.append(registration)
            generations.append(0)
        }
        return UInt64(generations[index]) << 32 | UInt64(index)
    }

    func lookup(_ token: UInt64) -> IORegistration? {
        let index = Int(token & 0xFFFF_FFFF)
        guard index < slots.count, UInt64(generations[index]) == token >> 32 else { return nil }
        return slots[index]
    }

    mutating func remove(_ token: UInt64) {
        let index = Int(token & 0xFFFF_FFFF)
        guard index < slots.count, UInt64(generations[index]) == token >> 32 else { return }
        slots[index] = nil
        generations[index] &+= 1
        free.append(index)
    }
}
