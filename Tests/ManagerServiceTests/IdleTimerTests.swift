import Testing
@testable import ManagerService

/// The idle scan's deadline timer (docs/manager.md, "Idle handling"). The sleeps here end by the event under test
/// (a deadline brought forward, the deadline itself, cancellation); the far deadlines are an hour away, so a
/// wake-up that does not happen fails through the suite's time limit.
@Suite(.timeLimit(.minutes(1))) struct IdleTimerTests {
    @Test func anEarlierDeadlineWakesTheSleeper() async {
        let timer = IdleTimer()
        timer.arm(.seconds(3600))
        let sleeper = Task { await timer.sleep(now: .zero, minimum: .zero) }
        while !timer.isParked { try? await Task.sleep(for: .milliseconds(2)) }
        timer.tableChanged(nextDeadline: .seconds(10))
        await sleeper.value
    }

    @Test func aChangeBeforeTheSleepStartsIsNotLost() async {
        let timer = IdleTimer()
        timer.arm(nil)
        timer.tableChanged(nextDeadline: .seconds(5))
        await timer.sleep(now: .zero, minimum: .zero)
    }

    @Test func theArmedDeadlineEndsTheSleep() async {
        let timer = IdleTimer()
        timer.arm(.milliseconds(30))
        await timer.sleep(now: .zero, minimum: .zero)
    }

    @Test func aLaterOrNoDeadlineLeavesItParkedAndCancellationEndsIt() async {
        let timer = IdleTimer()
        timer.arm(.seconds(3600))
        let sleeper = Task { await timer.sleep(now: .zero, minimum: .zero) }
        while !timer.isParked { try? await Task.sleep(for: .milliseconds(2)) }
        timer.tableChanged(nextDeadline: .seconds(7200))
        timer.tableChanged(nextDeadline: nil)
        #expect(timer.isParked)
        sleeper.cancel()
        await sleeper.value
    }

    @Test func changesWhileNotArmedAreIgnoredAndTheNextArmStartsClean() async {
        let timer = IdleTimer()
        timer.tableChanged(nextDeadline: .seconds(1))  // the scan is running: it reads the table itself
        timer.arm(.milliseconds(20))
        await timer.sleep(now: .zero, minimum: .zero)
    }
}
