/// The time source of the pools: a monotonic reading and a sleep. Injected so that the pool state machine, TTLs,
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

    /// Sleeps on `ContinuousClock` until the deadline.
    public func sleep(until deadline: Duration) async throws {
        try await ContinuousClock().sleep(until: origin.advanced(by: deadline), tolerance: nil)
    }
}
