import Reactor

/// The time source of the pools: a monotonic reading, a sleep and deadlines. Injected so that the pool state machine, TTLs,
/// acquire deadlines and heartbeats are tested without real waiting.
public protocol InvokerClock: Sendable {
    /// Monotonic time since an arbitrary origin fixed for the clock's lifetime.
    func now() -> Duration
    /// Suspends until `now() >= deadline`; throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: Duration) async throws
}

/// The real clock: `ContinuousClock` (monotonic, keeps counting while the machine is suspended).
public struct SystemInvokerClock: InvokerClock {
    private let origin: ContinuousClock.Instant

    /// A clock whose origin is the moment of creation.
    public init() { origin = ContinuousClock.now }

    /// Time since creation.
    public func now() -> Duration { ContinuousClock.now - origin }

    /// Sleeps on a loop's timer heap (the calling loop's, else the primary one) until the deadline; cancellation is
    /// seen when it wakes.
    public func sleep(until deadline: Duration) async throws {
        let loop = EventLoop.current ?? EventLoopGroup.shared.primary
        await loop.actor.sleep(until: origin.advanced(by: deadline))
        try Task.checkCancellation()
    }

    /// Arms the calling loop's timer heap (the primary loop's off the loops): no task and no thread per
    /// deadline; the action runs on that loop (docs/architecture.md, "Concurrency model").
    public func schedule(at deadline: Duration, _ action: @escaping @Sendable () -> Void) -> any InvokerTimer {
        let timer = LoopTimer(action)
        timer.schedule(after: max(.zero, deadline - now()))
        return timer
    }
}

/// A deadline armed with `InvokerClock.schedule`; `cancel` disarms it (an action already running is not stopped).
public protocol InvokerTimer: Sendable {
    func cancel()
}

extension InvokerClock {
    /// Runs `action` once `now() >= deadline`. This default (used by test clocks) is a task sleeping on the clock;
    /// the real clock arms the calling loop's timer heap instead.
    public func schedule(at deadline: Duration, _ action: @escaping @Sendable () -> Void) -> any InvokerTimer {
        Task {
            do { try await sleep(until: deadline) } catch { return }
            action()
        }
    }
}

/// `schedule`'s default: the task that sleeps until the deadline.
extension Task: InvokerTimer where Success == Void, Failure == Never {}

/// The real clock's deadline: a node on a loop's timer heap.
extension LoopTimer: InvokerTimer {}
