#if canImport(Glibc)
    import Glibc
#endif
import CLinuxShims

/// A few dedicated threads for work that blocks (DNS lookups, file reads after start-up, CPU-heavy
/// jobs), so that neither an event loop nor Swift's cooperative pool (2 threads on 2 cores) stalls.
/// `run` suspends the caller and resumes it on its own executor (its loop) when the work is done.
public final class BlockingPool: @unchecked Sendable {
    /// The process-wide pool (4 threads).
    public static let shared = BlockingPool(threads: 4)

    // pthread primitives must not move: heap-allocated, never freed (the pool lives as long as the process).
    let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    var work: [@Sendable () -> Void] = []

    /// Starts `threads` worker threads.
    public init(threads: Int) {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        for _ in 0..<max(1, threads) {
            var thread = pthread_t()
            let box = Unmanaged.passRetained(self)
            pthread_create(
                &thread, nil,
                { raw in
                    let pool = Unmanaged<BlockingPool>.fromOpaque(raw!).takeRetainedValue()
                    pool.workerLoop()
                    return nil
                }, box.toOpaque())
            pthread_detach(thread)
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
        pthread_mutex_lock(mutex)
        work.append(item)
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    func workerLoop() {
        _ = CLinuxShims_set_thread_name("esb-blocking")
        while true {
            pthread_mutex_lock(mutex)
            while work.isEmpty { pthread_cond_wait(condition, mutex) }
            let item = work.removeFirst()
            pthread_mutex_unlock(mutex)
            item()
        }
    }
}
