import Synchronization
import Testing
@testable import Reactor

/// `LoopTimer` and `DeadlineSignal`: deadlines on a loop's timer heap armed from off the loop.
@Suite(.timeLimit(.minutes(5))) struct LoopTimerTests {
    @Test func aTimerFiresOnItsLoopAndCanBeReArmed() async {
        let loop = EventLoopGroup.shared.primary
        let fired = Mutex<[Bool]>([])
        let done = DeadlineSignal()
        let timer = LoopTimer(on: loop) {
            let count = fired.withLock { f in
                f.append(EventLoop.current === loop); return f.count
            }
            if count == 2 { done.signal() }
        }
        timer.schedule(after: .milliseconds(1))
        #expect(await Self.until { fired.withLock { $0.count } == 1 })
        timer.schedule(after: .milliseconds(1))
        #expect(await done.wait(timeout: .seconds(30)))
        #expect(fired.withLock { $0 } == [true, true])
    }

    @Test func aCancelledTimerDoesNotFire() async {
        let fired = Atomic<Int>(0)
        let timer = LoopTimer { fired.add(1, ordering: .relaxed) }
        timer.schedule(after: .milliseconds(20))
        timer.cancel()
        // A second timer armed later than the first fires: by then the first would have.
        let later = DeadlineSignal()
        LoopTimer { later.signal() }.schedule(after: .milliseconds(60))
        #expect(await later.wait(timeout: .seconds(30)))
        #expect(fired.load(ordering: .relaxed) == 0)
    }

    @Test func aSignalEndsTheWaitAndTheDeadlineEndsItOtherwise() async {
        let early = DeadlineSignal()
        early.signal()
        #expect(await early.wait(timeout: .seconds(30)))

        let woken = DeadlineSignal()
        Task { woken.signal() }
        #expect(await woken.wait(timeout: .seconds(30)))

        let lapsed = DeadlineSignal()
        #expect(await lapsed.wait(timeout: .milliseconds(5)) == false)
    }

    static func until(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<3000 {
            if condition() { return true }
            await Loop.shared.sleep(for: .milliseconds(10))
        }
        return false
    }
}
