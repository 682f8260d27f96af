#if canImport(Glibc)
    import Glibc
#endif

/// Wall-clock time (log lines, event times, token expiry): `CLOCK_REALTIME`, which may step; durations use the
/// monotonic clock instead.
public enum WallClock {
    /// Milliseconds since the Unix epoch.
    public static func epochMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
