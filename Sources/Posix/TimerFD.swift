#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims

/// A non-blocking one-shot timerfd on CLOCK_MONOTONIC: readable once it expires. (The Reactor keeps its
/// timers in a heap and uses the epoll timeout; this is for callers that want a timer as a descriptor.)
public struct TimerFD: ~Copyable, Sendable {
    /// The timerfd descriptor.
    public let fd: FileDescriptor

    /// Creates a disarmed timer.
    public init() throws(PosixError) {
        let raw = try syscallBlocking("timerfd_create") {
            CLinuxShims_timerfd_create(CLOCK_MONOTONIC, CLinuxShims_TFD_NONBLOCK | CLinuxShims_TFD_CLOEXEC)
        }
        fd = FileDescriptor(takingOwnership: raw)
    }

    /// Arms the timer to expire once, `nanoseconds` from now (0 disarms).
    public func arm(nanoseconds: UInt64) throws(PosixError) {
        _ = try syscallBlocking("timerfd_settime") { CLinuxShims_timerfd_arm(fd.rawValue, nanoseconds) }
    }

    /// Expirations since the last call (0 when it has not expired).
    public func expirations() -> UInt64 {
        var count: UInt64 = 0
        guard case .done(8)? = try? fd.read(into: &count, count: 8) else { return 0 }
        return count
    }
}
