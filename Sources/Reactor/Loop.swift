/// The actor of one event loop: code isolated to it runs on that loop's thread, next to the connection
/// state of that loop, with no locks and no thread hops.
///
/// `@Loop` (the global actor) is the primary loop, `EventLoopGroup.shared.loops[0]`. Servers with several
/// loops (`SO_REUSEPORT`, one per core) run each connection isolated to its own loop's `Loop` instance;
/// handlers and the HTTP client called from there stay on that loop.
@globalActor
public actor Loop {
    /// The primary loop's actor.
    public static let shared: Loop = EventLoopGroup.shared.primary.actor

    /// The event loop this actor runs on.
    public nonisolated let eventLoop: EventLoop

    init(eventLoop: EventLoop) {
        self.eventLoop = eventLoop
    }

    /// The loop's executor: everything isolated to this actor runs on the loop thread.
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        eventLoop.asUnownedSerialExecutor()
    }

    /// Runs `body` isolated to this loop (hopping there if needed).
    public func run<T: Sendable, E: Error>(_ body: @Sendable (isolated Loop) async throws(E) -> T) async throws(E) -> T
    {
        try await body(self)
    }

    /// Sleeps on this loop's timer heap until `deadline` of `ContinuousClock` (the time left, read now).
    public func sleep(until deadline: ContinuousClock.Instant) async {
        let left = deadline - ContinuousClock.now
        if left > .zero { await sleep(for: left) }
    }

    /// Sleeps on this loop's timer heap.
    public func sleep(for duration: Duration) async {
        let loop = eventLoop
        let deadline = Monotonic.now() &+ Monotonic.nanoseconds(duration)
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let node = TimerNode { continuation.resume() }
            loop.timers.arm(node, at: deadline)
        }
    }
}
