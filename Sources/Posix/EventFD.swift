#if canImport(Glibc)
    import Glibc
#endif
import CLinuxShims

/// A non-blocking eventfd: other threads `signal()` it to wake a thread sleeping in `epoll_wait`.
public struct EventFD: ~Copyable, Sendable {
    public let fd: FileDescriptor

    /// Creates a non-blocking, close-on-exec eventfd with counter 0.
    public init() throws(PosixError) {
        let raw = try syscallBlocking("eventfd") {
            CLinuxShims_eventfd(0, CLinuxShims_EFD_NONBLOCK | CLinuxShims_EFD_CLOEXEC)
        }
        fd = FileDescriptor(takingOwnership: raw)
    }

    /// Adds 1 to the counter (makes the descriptor readable). Safe from any thread.
    public func signal() {
        var one: UInt64 = 1
        // EAGAIN only when the counter would overflow: it is readable then anyway.
        _ = try? fd.writeFile(from: &one, count: 8)
    }

    /// Resets the counter to 0 (makes it unreadable again).
    public func drain() {
        var value: UInt64 = 0
        _ = try? fd.read(into: &value, count: 8)
    }
}

/// A signalfd for a set of signals that are blocked in every thread, so they arrive as readable data
/// on the event loop instead of interrupting arbitrary threads.
public struct SignalFD: ~Copyable, Sendable {
    public let fd: FileDescriptor

    /// Blocks `signal` in the calling thread and opens a non-blocking signalfd for it.
    /// Call `Signals.block` at process start (before threads exist) so every thread inherits the mask.
    public init(signal: Int32) throws(PosixError) {
        let raw = try syscallBlocking("signalfd") {
            CLinuxShims_signalfd_for(signal, CLinuxShims_SFD_NONBLOCK | CLinuxShims_SFD_CLOEXEC)
        }
        fd = FileDescriptor(takingOwnership: raw)
    }

    /// Reads one pending signal: its number, or nil when none is pending.
    public func next() -> Int32? {
        var info = signalfd_siginfo()
        guard case .done(let n)? = try? fd.read(into: &info, count: MemoryLayout<signalfd_siginfo>.size),
            n == MemoryLayout<signalfd_siginfo>.size
        else { return nil }
        return Int32(bitPattern: info.ssi_signo)
    }
}

/// Process-wide signal and resource settings.
public enum Signals {
    /// Blocks these signals in the calling thread (and so in threads created after it), so that they
    /// are delivered only through a `SignalFD`. Also ignores SIGPIPE process-wide.
    public static func block(_ signals: [Int32]) {
        for s in signals { _ = CLinuxShims_block_signal(s) }
        ignoreBrokenPipe()
    }

    /// Ignores SIGPIPE: a write to a closed socket must be an `EPIPE` error, never a process kill.
    public static func ignoreBrokenPipe() {
        _ = Glibc.signal(SIGPIPE, SIG_IGN)
    }

    /// Raises the soft `RLIMIT_NOFILE` to the hard limit; returns the new limit (nil on failure).
    @discardableResult
    public static func raiseFileLimit() -> Int? {
        let n = CLinuxShims_raise_nofile_limit()
        return n < 0 ? nil : n
    }
}
