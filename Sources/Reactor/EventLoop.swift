#if canImport(Glibc)
    import Glibc
#endif
import CLinuxShims
import Posix
import Synchronization

/// One epoll thread that is also a Swift `SerialExecutor` (and, through `taskExecutor`, a `TaskExecutor`).
///
/// Jobs (task continuations, closures from `execute`) queue under a mutex; the loop thread runs them, then
/// waits in `epoll_wait` with the nearest timer as its timeout. A job enqueued from another thread while
/// the loop sleeps writes the loop's eventfd; one enqueued from the loop itself costs no syscall.
///
/// Loop-confined state (registrations, timers) is touched only on the loop thread: code reaches it through
/// the `Loop` actor of this loop (`actor`), or from callbacks the loop itself runs.
public final class EventLoop: SerialExecutor, @unchecked Sendable, CustomStringConvertible {
    enum Work {
        case job(UnownedJob)
        case taskJob(UnownedJob)
        case closure(@Sendable () -> Void)
    }

    struct Queue {
        var pending: [Work] = []
        var sleeping = false
        var stopped = false
    }

    /// Position of this loop in its group (0 is the primary loop behind `@Loop`).
    public let index: Int
    let queue = Mutex(Queue())
    let wakeup: EventFD
    let epoll: Epoll
    var thread = pthread_t()
    // Loop-confined:
    var timers = TimerHeap()
    var registrations = RegistrationTable()
    var now: UInt64 = Monotonic.now()
    var dateCache = (second: 0, text: "")
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    // Created lazily so that `Loop.init` can refer back to this loop; read without a lock once made.
    private let actorStorage = Mutex<Loop?>(nil)
    private let actorMade = Atomic<Bool>(false)
    nonisolated(unsafe) private var actorCached: Loop?
    private let jobsFromOtherThreads = Atomic<Int>(0)
    // Set once in `init`, before the loop thread starts; read without a lock afterwards.
    nonisolated(unsafe) private var taskExecutorStorage: LoopTaskExecutor?
    /// This loop as a task executor (see `LoopTaskExecutor`).
    public var taskExecutor: LoopTaskExecutor { taskExecutorStorage! }

    /// Creates a loop and starts its thread.
    init(index: Int = 0) throws(PosixError) {
        // OpenSSL writes TLS records with write(2), not send(MSG_NOSIGNAL): a peer that went away would
        // raise SIGPIPE and kill the process. Any process using the Reactor ignores it.
        Signals.ignoreBrokenPipe()
        self.index = index
        epoll = try Epoll()
        wakeup = try EventFD()
        try epoll.add(wakeup.fd.rawValue, events: [.readable], token: RegistrationTable.wakeToken)
        taskExecutorStorage = LoopTaskExecutor(loop: self)
        let box = Unmanaged.passRetained(self)
        let rc = pthread_create(
            &thread, nil,
            { raw in
                let loop = Unmanaged<EventLoop>.fromOpaque(raw!).takeRetainedValue()
                loop.run()
                return nil
            }, box.toOpaque())
        if rc != 0 {
            box.release()
            throw PosixError(code: rc, operation: "pthread_create")
        }
    }

    /// The actor whose executor is this loop: isolate code to it to run on this loop's thread.
    public var actor: Loop {
        if actorMade.load(ordering: .acquiring), let cached = actorCached { return cached }
        return actorStorage.withLock { stored in
            if let stored { return stored }
            let made = Loop(eventLoop: self)
            stored = made
            actorCached = made
            actorMade.store(true, ordering: .releasing)
            return made
        }
    }

    /// `EventLoop(<index>)`.
    public var description: String { "EventLoop(\(index))" }

    /// True when called on this loop's thread.
    public var inLoop: Bool { pthread_equal(pthread_self(), thread) != 0 }

    /// The loop whose thread is calling, or nil off the loops. Code that runs on the caller's executor
    /// (`nonisolated(nonsending)`) finds its loop with this instead of casting `#isolation`, which
    /// over-releases the actor with Swift 6.3.1 (docs/network-runtime.md, "Which loop").
    public static var current: EventLoop? {
        guard let raw = pthread_getspecific(currentKey) else { return nil }
        return Unmanaged<EventLoop>.fromOpaque(raw).takeUnretainedValue()
    }

    /// The thread-local slot `current` reads; each loop thread stores itself (unretained: loops outlive
    /// their threads' work).
    static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create")
        return key
    }()

    // MARK: SerialExecutor

    /// Queues a job (a task continuation) to run on the loop thread; safe from any thread.
    public func enqueue(_ job: consuming ExecutorJob) {
        if !inLoop { jobsFromOtherThreads.add(1, ordering: .relaxed) }
        push(.job(UnownedJob(job)))
    }

    /// Queues a job of a task that prefers this loop (`LoopTaskExecutor`).
    func enqueueTaskJob(_ job: UnownedJob) {
        if !inLoop { jobsFromOtherThreads.add(1, ordering: .relaxed) }
        push(.taskJob(job))
    }

    /// Jobs queued here from another thread so far: each one is a task hopping onto this loop (an eventfd wake
    /// when the loop sleeps). Code that stays on its loop adds none (docs/architecture.md, "Concurrency model").
    public var jobsEnqueuedFromOtherThreads: Int { jobsFromOtherThreads.load(ordering: .relaxed) }

    /// This loop as an executor reference.
    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Traps unless called on the loop thread (backs `assumeIsolated`).
    public func checkIsolated() {
        precondition(inLoop, "not on \(self)")
    }

    /// Runs `body` on the loop thread (soon, in order with other work). Safe from any thread.
    public func execute(_ body: @escaping @Sendable () -> Void) {
        push(.closure(body))
    }

    /// Stops the loop thread after the work queued so far and, when called from another thread, waits
    /// for it to exit. Work enqueued afterwards never runs. (For tests and process exit: the shared
    /// group's loops normally live as long as the process.)
    public func stop() {
        let wake = queue.withLock { q -> Bool in
            q.stopped = true
            return q.sleeping
        }
        if wake { wakeup.signal() }
        if !inLoop { pthread_join(thread, nil) }
    }

    func push(_ work: Work) {
        let wake = queue.withLock { q -> Bool in
            q.pending.append(work)
            if q.sleeping {
                q.sleeping = false
                return true
            }
            return false
        }
        if wake { wakeup.signal() }
    }

    // MARK: The loop

    func run() {
        _ = CLinuxShims_set_thread_name("esb-loop-\(index)")
        pthread_setspecific(Self.currentKey, Unmanaged.passUnretained(self).toOpaque())
        let capacity: Int32 = 256
        let events = UnsafeMutablePointer<UInt32>.allocate(capacity: Int(capacity))
        let tokens = UnsafeMutablePointer<UInt64>.allocate(capacity: Int(capacity))
        var batch: [Work] = []
        batch.reserveCapacity(256)
        while true {
            // Run queued work; work queued meanwhile waits for the next round, after an I/O poll.
            var stop = false
            queue.withLock { q in
                swap(&batch, &q.pending)
                stop = q.stopped && batch.isEmpty
            }
            if stop { break }
            for work in batch {
                switch work {
                case .job(let job): job.runSynchronously(on: asUnownedSerialExecutor())
                case .taskJob(let job):
                    // Only tasks that prefer this loop queue these: they run isolated to the loop (it is this
                    // one thread), so a hop from their nonisolated code onto the `Loop` actor continues inline.
                    job.runSynchronously(
                        isolatedTo: asUnownedSerialExecutor(), taskExecutor: taskExecutor.asUnownedTaskExecutor())
                case .closure(let body): body()
                }
            }
            batch.removeAll(keepingCapacity: true)

            var timeout: Int32 = 0
            var slept = false
            queue.withLock { q in
                if q.pending.isEmpty && !q.stopped {
                    q.sleeping = true
                    slept = true
                    timeout = timers.timeoutMilliseconds(now: Monotonic.now())
                }
            }
            let n =
                (try? epoll.wait(events: events, tokens: tokens, capacity: capacity, timeoutMilliseconds: timeout)) ?? 0
            if slept { queue.withLock { $0.sleeping = false } }
            now = Monotonic.now()
            for k in 0..<n {
                let token = tokens[k]
                if token == RegistrationTable.wakeToken {
                    wakeup.drain()
                } else if let registration = registrations.lookup(token) {
                    registration.dispatch(Epoll.Events(rawValue: events[k]))
                }
            }
            // Popped one at a time so that a firing timer may arm or cancel timers (see TimerHeap.popExpired).
            while let expired = timers.popExpired(now: now) { expired.fire() }
        }
        events.deallocate()
        tokens.deallocate()
    }
}

/// A monotonic clock in nanoseconds (CLOCK_MONOTONIC; vDSO, no syscall).
enum Monotonic {
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
    }
}
