import Telemetry
import Posix

/// Time as the Manager's state machine sees it: a monotonic `now` (a `Duration` since an origin) for leases
/// and idle clocks, and wall-clock milliseconds for what the API reports. Injected so tests need no sleeps.
public protocol ManagerClock: Sendable {
    /// Monotonic time since the clock's origin.
    func now() -> Duration
    /// Milliseconds since the Unix epoch.
    func wallMilliseconds() -> Int64
}

/// The real clocks: `ContinuousClock` from process start, and the system's wall clock.
public struct SystemManagerClock: ManagerClock {
    private let origin = ContinuousClock.now

    /// A clock whose origin is now.
    public init() {}

    public func now() -> Duration { ContinuousClock.now - origin }

    public func wallMilliseconds() -> Int64 { WallClock.epochMilliseconds() }
}
