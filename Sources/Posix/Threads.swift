import CLinuxShims
#if canImport(Glibc)
    import Glibc
#endif

/// Plain OS threads for blocking work that must never run on an event loop or the Swift executor (the log
/// writers, the event spool's fsync writer): a thread starter, a blocking sleep, and a lock with a condition.
public enum OSThread {
    /// Starts a detached thread named `name` (at most 15 bytes are kept) that runs `body`. A process that cannot
    /// start a thread is out of resources at start-up: it stops with the reason, as Foundation's `Thread` does.
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        final class Start {
            let run: @Sendable () -> Void
            init(_ run: @escaping @Sendable () -> Void) { self.run = run }
        }
        let threadName = String(decoding: name.utf8.prefix(15), as: UTF8.self)
        let start = Unmanaged.passRetained(
            Start {
                _ = CLinuxShims_set_thread_name(threadName)
                body()
            }
        ).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(
            &thread, nil,
            { argument in
                Unmanaged<Start>.fromOpaque(argument!).takeRetainedValue().run()
                return nil
            }, start)
        guard rc == 0 else {
            Unmanaged<Start>.fromOpaque(start).release()
            fatalError("cannot start the \(name) thread: \(PosixError(code: rc, operation: "pthread_create"))")
        }
        pthread_detach(thread)
    }

    public static func sleep(for duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(max(0, seconds)), tv_nsec: Int(max(0, attoseconds) / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    /// CPUs this process may run on (its affinity mask), at least 1.
    public static var availableProcessors: Int {
        Int(max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}

/// A mutex with a condition variable (pthread), for queues between blocking threads. Timed waits use the monotonic
/// clock, so a wall-clock step neither shortens nor stretches them.
public final class ConditionLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    public init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }

    /// Waits (the lock held) until signalled; may wake spuriously, so callers loop on their condition.
    public func wait() { pthread_cond_wait(condition, mutex) }

    /// Waits (the lock held) until signalled or `deadline` passed; false when it passed.
    public func wait(until deadline: MonotonicDeadline) -> Bool {
        var time = timespec(
            tv_sec: Int(deadline.nanoseconds / 1_000_000_000), tv_nsec: Int(deadline.nanoseconds % 1_000_000_000))
        return pthread_cond_timedwait(condition, mutex, &time) != ETIMEDOUT
    }

    public func signal() { pthread_cond_signal(condition) }
    public func broadcast() { pthread_cond_broadcast(condition) }

    public func withLock<R>(_ body: () throws -> R) rethrows -> R {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// An instant on `CLOCK_MONOTONIC`, for `ConditionLock.wait(until:)`.
public struct MonotonicDeadline: Sendable, Comparable {
    /// Nanoseconds on `CLOCK_MONOTONIC`.
    public let nanoseconds: UInt64

    /// `duration` from now.
    public static func after(_ duration: Duration) -> MonotonicDeadline {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let (seconds, attoseconds) = duration.components
        let add = UInt64(max(0, seconds)) &* 1_000_000_000 &+ UInt64(max(0, attoseconds) / 1_000_000_000)
        return MonotonicDeadline(nanoseconds: UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec) &+ add)
    }

    public static func < (a: MonotonicDeadline, b: MonotonicDeadline) -> Bool { a.nanoseconds < b.nanoseconds }
}

/// This process's environment (`environ`), as `ProcessInfo.environment` gives it.
public func processEnvironment() -> [String: String] {
    var result: [String: String] = [:]
    var entry = environ
    while let pointer = entry.pointee {
        let text = String(cString: pointer)
        if let equals = text.firstIndex(of: "=") {
            result[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        entry += 1
    }
    return result
}

/// Ends the process with `status` (`exit(3)`: atexit handlers run, stdio is flushed).
public func exitProcess(_ status: Int32) -> Never {
    exit(status)
}

/// A one-shot signal a thread raises when it is done (a writer thread's exit) and others wait for, with a bound.
/// `done` is read and written under `lock` only, hence `@unchecked Sendable`.
public final class DoneSignal: @unchecked Sendable {
    private let lock = ConditionLock()
    private var done = false

    public init() {}

    /// Marks it done and wakes every waiter.
    public func signal() {
        lock.withLock { done = true }
        lock.broadcast()
    }

    /// Waits until done or `timeout` passed; true when done.
    public func wait(timeout: Duration) -> Bool {
        let deadline = MonotonicDeadline.after(timeout)
        lock.lock()
        defer { lock.unlock() }
        while !done {
            if !lock.wait(until: deadline) { return done }
        }
        return true
    }
}
