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

/// What the idle scan's timer waits for (`WorkerTable.nextDeadline`, docs/manager.md "Idle handling").
@Suite struct IdleDeadlineTests {
    private func table(minWarm: Int = 0) -> WorkerTable {
        var table = WorkerTable(
            idle: IdlePolicy(leaseTimeout: .seconds(30), pauseAfter: .seconds(10), stopAfter: .seconds(300)))
        table.apply(policies: ["f": FunctionPolicy(configHash: "h1", maxConcurrency: 4, minWarm: minWarm)])
        return table
    }

    @Test func aReleasedRetiredWorkerIsDueAtOnce() {
        var t = table()
        t.adopt(
            id: "a", name: "esb-f-a", function: "f", hash: "h1", host: "h", port: 8080, paused: false, now: .seconds(5))
        _ = t.heartbeat(from: "gw", leased: [], released: ["a"], now: .seconds(6))
        #expect(t.nextDeadline() == .seconds(16))  // its pause threshold
        t.updateHash(of: "f", to: "h2")  // the image was rebuilt: "a" is retired
        #expect(t.nextDeadline() == .seconds(6))  // due since its release: the next scan removes it
        #expect(t.tick(now: .seconds(7)) == [.remove("a")])
    }

    @Test func minWarmWorkersThresholdsDoNotCountAndAShortfallIsReported() {
        var t = table(minWarm: 1)
        #expect(t.lacksWarmWorkers())
        t.adopt(
            id: "a", name: "esb-f-a", function: "f", hash: "h1", host: "h", port: 8080, paused: false, now: .seconds(5))
        _ = t.heartbeat(from: "gw", leased: [], released: ["a"], now: .seconds(6))
        #expect(!t.lacksWarmWorkers())
        #expect(t.nextDeadline() == nil)  // the one min_warm worker is never paused or stopped
    }
}
