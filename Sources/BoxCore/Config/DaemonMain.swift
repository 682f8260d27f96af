import Dispatch
import Synchronization

/// The two daemons' `main`: synchronous on purpose. Signals must be blocked on the main thread before any other
/// thread exists (threads inherit the mask); an async top-level main runs its code on a pool thread and leaves the
/// main thread with SIGTERM unblocked, so SIGTERM would kill the process instead of reaching the signalfd that
/// drains it (docs/gateway.md, "Process"). `prepare` runs first, on the main thread; then `run` runs to its end
/// while the main thread waits, and its status is returned.
public func runDaemon(prepare: () -> Void, _ run: @escaping @Sendable () async -> Int32) -> Int32 {
    prepare()
    final class Outcome: Sendable {
        let status = Mutex<Int32>(0)
        let finished = DispatchSemaphore(value: 0)
    }
    let outcome = Outcome()
    Task.detached {
        let status = await run()
        outcome.status.withLock { $0 = status }
        outcome.finished.signal()
    }
    outcome.finished.wait()
    return outcome.status.withLock { $0 }
}
