/// An event loop as a task executor: a task started with `Task(executorPreference: loop.taskExecutor)` runs
/// its nonisolated code here, continuation resumptions included, instead of on the global pool.
///
/// Without it a socket wait resumed by the loop goes through the global pool and back (two thread hops, a
/// futex and an eventfd write per wait); with it the resumption is queued on the same loop thread
/// (docs/architecture.md, "Concurrency model"). It is a separate object from the loop's `SerialExecutor` so
/// that each job runs with exactly the executor it was queued for: a task that did not ask for the loop (a
/// test, a daemon's blocking work) never inherits it and so cannot block the loop.
public final class LoopTaskExecutor: TaskExecutor, Sendable {
    unowned let loop: EventLoop

    init(loop: EventLoop) {
        self.loop = loop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        loop.enqueueTaskJob(UnownedJob(job))
    }

    public func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }
}
