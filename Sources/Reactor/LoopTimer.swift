import Synchronization

/// A deadline on one loop's timer heap that code off the loop may arm and cancel.
///
/// The heap node is touched only on the loop thread: `schedule` and `cancel` from another thread go through
/// `execute` (in order with each other), from the loop itself they act at once. The action runs on the loop
/// thread, so it must be short; work that suspends starts a task from it. One timer may be re-armed any number
/// of times (a periodic tick re-arms itself from its action): the heap node is made once.
public final class LoopTimer: @unchecked Sendable {
    /// The loop whose heap holds this timer.
    public let loop: EventLoop
    // Loop-confined (see above).
    let node: TimerNode

    /// A timer on `loop` (default: the calling loop, else the primary one) that runs `action` when it fires.
    public init(on loop: EventLoop? = nil, _ action: @escaping @Sendable () -> Void) {
        self.loop = loop ?? EventLoop.current ?? EventLoopGroup.shared.primary
        node = TimerNode(fire: action)
    }

    /// Arms (or re-arms) the timer to fire `delay` from now.
    public func schedule(after delay: Duration) {
        let deadline = Monotonic.now() &+ Monotonic.nanoseconds(delay)
        onLoop { [self] in loop.timers.arm(node, at: deadline) }
    }

    /// Disarms the timer; an action already running is not stopped.
    public func cancel() {
        onLoop { [self] in loop.timers.cancel(node) }
    }

    private func onLoop(_ body: @escaping @Sendable () -> Void) {
        if loop.inLoop { body() } else { loop.execute(body) }
    }
}

/// One wait that ends at whichever comes first: `signal()` (from any thread) or a deadline on a loop's timer
/// heap. Replaces "poll a condition every few milliseconds": the waiter sleeps until the event that ends the wait.
public final class DeadlineSignal: Sendable {
    struct State {
        var signalled = false
        var continuation: CheckedContinuation<Bool, Never>?
        var timer: LoopTimer?
    }

    let state = Mutex(State())

    /// An unsignalled wait.
    public init() {}

    /// Ends the wait (now or, when nobody waits yet, the next `wait` returns at once).
    public func signal() {
        let (continuation, timer) = state.withLock { s -> (CheckedContinuation<Bool, Never>?, LoopTimer?) in
            s.signalled = true
            defer { s.continuation = nil; s.timer = nil }
            return (s.continuation, s.timer)
        }
        timer?.cancel()
        continuation?.resume(returning: true)
    }

    /// Waits for `signal()` for at most `timeout`; true when signalled, false at the deadline. One waiter at a time.
    public func wait(timeout: Duration) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let timer = LoopTimer { [weak self] in self?.expire() }
            let armed = state.withLock { s -> Bool in
                if s.signalled { return false }
                s.continuation = continuation
                s.timer = timer
                return true
            }
            if armed { timer.schedule(after: timeout) } else { continuation.resume(returning: true) }
        }
    }

    func expire() {
        let continuation = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            defer { s.continuation = nil; s.timer = nil }
            return s.continuation
        }
        continuation?.resume(returning: false)
    }
}
