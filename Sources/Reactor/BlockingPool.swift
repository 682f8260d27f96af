import Posix

/// A few dedicated threads for work that blocks (DNS lookups, file reads after start-up, CPU-heavy
/// jobs), so that neither an event loop nor Swift's cooperative pool (2 threads on 2 cores) stalls.
/// `run` suspends the caller and resumes it on its own executor (its loop) when the work is done.
public final class BlockingPool: @unchecked Sendable {
    /// The process-wide pool (4 threads).
    public static let shared = BlockingPool(threads: 4)

    private let lock = ConditionLock()
    // Read and written under `lock` only (hence `@unchecked Sendable`).
    private var work: [@Sendable () -> Void] = []

    /// Starts `threads` worker threads.
    public init(threads: Int) {
        for _ in 0..<max(1, threads) {
            OSThread.start(name: "esb-blocking") { [self] in workerLoop() }
        }
    }

    /// Runs `body` on a pool thread and returns its result to the caller's executor.
    public nonisolated(nonsending) func run<T: Sendable, E: Error>(
        _ body: @escaping @Sendable () throws(E) -> T
    ) async throws(E) -> T {
        let result: Result<T, E> = await withUnsafeContinuation { continuation in
            submit {
                do throws(E) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    func submit(_ item: @escaping @Sendable () -> Void) {
        lock.withLock { work.append(item) }
        lock.signal()
    }

    private func workerLoop() {
        while true {
            lock.lock()
            while work.isEmpty { lock.wait() }
            let item = work.removeFirst()
            lock.unlock()
            item()
        }
    }
}
