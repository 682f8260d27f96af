/// The default time source of the caches: a monotonic reading (`ContinuousClock`) as time since the first
/// reading in this process. Caches take a `() -> Duration` so tests can drive time by hand.
public enum MonotonicClock {
    private static let origin = ContinuousClock.now

    /// Time since the first reading in this process; never goes backwards.
    public static func now() -> Duration {
        origin.duration(to: .now)
    }
}
