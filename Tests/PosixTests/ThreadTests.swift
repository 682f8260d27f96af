import Posix
import Testing

/// `OSThread`, `ConditionLock`, `DoneSignal` and `MonotonicDeadline` on real OS threads (docs/network-runtime.md).
/// Every wait is bounded, and a bound only guards against a hang: no assertion depends on how long anything took.
@Suite struct PosixThreadTests {
    /// A value shared between threads, read and written only under `lock` (hence `@unchecked Sendable`).
    final class Shared<Value>: @unchecked Sendable {
        let lock = ConditionLock()
        var value: Value
        init(_ value: Value) { self.value = value }
    }

    static let guardTimeout: Duration = .seconds(30)

    @Test func startedThreadRunsTheBodyUnderItsNameCutTo15Bytes() throws {
        let seen = Shared<(name: String, ran: Bool)>(("", false))
        let done = DoneSignal()
        OSThread.start(name: "posix-test-thread-name") {
            // The kernel's name of the calling thread, as `ps -L` shows it.
            let comm = (try? FileIO.readAll("/proc/thread-self/comm")) ?? []
            seen.lock.withLock { seen.value = (String(decoding: comm, as: UTF8.self), true) }
            done.signal()
        }
        #expect(done.wait(timeout: Self.guardTimeout))
        let (name, ran) = seen.lock.withLock { seen.value }
        #expect(ran)
        #expect(name == "posix-test-thre\n")
    }

    @Test func manyThreadsUpdatingUnderTheLockLoseNoUpdate() {
        let threads = 4
        let rounds = 20_000
        let counter = Shared(0)
        let finished = Shared(0)
        for index in 0..<threads {
            OSThread.start(name: "posix-count-\(index)") {
                for _ in 0..<rounds {
                    // A read-modify-write in two steps: without mutual exclusion updates get lost.
                    counter.lock.withLock {
                        let read = counter.value
                        counter.value = read + 1
                    }
                }
                finished.lock.withLock { finished.value += 1 }
                finished.lock.broadcast()
            }
        }
        let deadline = MonotonicDeadline.after(Self.guardTimeout)
        finished.lock.lock()
        while finished.value < threads && finished.lock.wait(until: deadline) {}
        let allFinished = finished.value == threads
        finished.lock.unlock()
        #expect(allFinished)
        #expect(counter.lock.withLock { counter.value } == threads * rounds)
    }

    @Test func waitWakesOnSignalAndSeesTheProducersItemsInOrder() {
        let queue = Shared<[Int]>([])
        let items = 1000
        OSThread.start(name: "posix-producer") {
            for item in 0..<items {
                queue.lock.withLock { queue.value.append(item) }
                queue.lock.signal()
            }
        }
        var received: [Int] = []
        let deadline = MonotonicDeadline.after(Self.guardTimeout)
        queue.lock.lock()
        while received.count < items {
            while queue.value.isEmpty {
                guard queue.lock.wait(until: deadline) else { break }
            }
            if queue.value.isEmpty { break }  // the guard deadline passed
            received += queue.value
            queue.value.removeAll()
        }
        queue.lock.unlock()
        #expect(received == Array(0..<items))
    }

    @Test func untimedWaitReturnsOnceAnotherThreadSignals() {
        let flag = Shared(false)
        flag.lock.lock()
        OSThread.start(name: "posix-signaller") {
            // Blocks until the waiter below has released the lock inside `wait()`.
            flag.lock.withLock { flag.value = true }
            flag.lock.signal()
        }
        while !flag.value { flag.lock.wait() }
        flag.lock.unlock()
        #expect(flag.lock.withLock { flag.value })
    }

    @Test func timedWaitReportsAPassedDeadline() {
        let lock = ConditionLock()
        let past = MonotonicDeadline.after(.zero)
        lock.lock()
        let woken = lock.wait(until: past)
        lock.unlock()
        #expect(!woken, "nobody signals: the wait can only end by its deadline")
    }

    @Test func doneSignalReleasesEveryWaiterAndStaysDone() {
        let done = DoneSignal()
        let waiters = 3
        let results = Shared<[Bool]>([])
        let allReturned = DoneSignal()
        for index in 0..<waiters {
            OSThread.start(name: "posix-waiter-\(index)") {
                let result = done.wait(timeout: Self.guardTimeout)
                let count = results.lock.withLock {
                    results.value.append(result)
                    return results.value.count
                }
                if count == waiters { allReturned.signal() }
            }
        }
        done.signal()
        #expect(allReturned.wait(timeout: Self.guardTimeout))
        #expect(results.lock.withLock { results.value } == Array(repeating: true, count: waiters))
        // Already done: a later wait returns at once, whatever its bound.
        #expect(done.wait(timeout: .zero))
    }

    @Test func doneSignalNotRaisedTimesOut() {
        #expect(!DoneSignal().wait(timeout: .milliseconds(20)))
    }

    @Test func monotonicDeadlinesOrderByDuration() {
        let now = MonotonicDeadline.after(.zero)
        let later = MonotonicDeadline.after(.seconds(2))
        #expect(now < later)
        #expect(later.nanoseconds - now.nanoseconds >= 2_000_000_000)
        // A negative duration counts as none: never before the instant it was asked.
        let negative = MonotonicDeadline.after(.seconds(-5))
        #expect(negative >= now)
        #expect(MonotonicDeadline.after(.milliseconds(1500)).nanoseconds >= now.nanoseconds + 1_500_000_000)
    }

    @Test func sleepReturnsNoEarlierThanAsked() {
        let clock = ContinuousClock()
        let start = clock.now
        OSThread.sleep(for: .milliseconds(30))
        // A lower bound only: sleeping can be late on a busy machine, never early.
        #expect(clock.now - start >= .milliseconds(30))
        OSThread.sleep(for: .seconds(-1))  // a negative duration returns at once instead of failing
    }

    @Test func availableProcessorsIsAtLeastOne() {
        #expect(OSThread.availableProcessors >= 1)
    }
}
