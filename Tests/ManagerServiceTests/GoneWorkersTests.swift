import ManagerAPI
import Testing
@testable import ManagerService

/// `GoneWorkers`, the bookkeeping behind `GET /v1/workers/gone` (docs/manager-api.md): cursors, the long poll's
/// wake-up, a restarted Manager, shutdown. The waits here are answered by a departure or by `close`, never by
/// their timeout (an hour), so a missed wake-up fails the test through the suite's time limit.
@Suite(.timeLimit(.minutes(1))) struct GoneWorkersTests {
    @Test func cursorsSayWhatLeftSince() {
        let gone = GoneWorkers()
        #expect(gone.answer(after: nil) == GoneReply(seq: 0, workers: []))
        #expect(gone.answer(after: 0) == nil)
        gone.record(["a", "b"])
        gone.record(["c"])
        #expect(gone.answer(after: 0) == GoneReply(seq: 3, workers: ["a", "b", "c"]))
        #expect(gone.answer(after: 2) == GoneReply(seq: 3, workers: ["c"]))
        #expect(gone.answer(after: 3) == nil)
        #expect(gone.answer(after: nil) == GoneReply(seq: 3, workers: []))
    }

    @Test func aCursorFromBeforeARestartGetsEverythingKept() {
        let gone = GoneWorkers()
        #expect(gone.answer(after: 57) == GoneReply(seq: 0, workers: []))
        gone.record(["a"])
        #expect(gone.answer(after: 57) == GoneReply(seq: 1, workers: ["a"]))
    }

    @Test func onlyTheNewestDeparturesAreKept() {
        let gone = GoneWorkers()
        gone.record((0..<(GoneWorkers.capacity + 5)).map { "w\($0)" })
        let all = gone.answer(after: 0)
        #expect(all?.workers.count == GoneWorkers.capacity && all?.workers.first == "w5")
    }

    @Test func aParkedPollIsAnsweredByTheNextDeparture() async {
        let gone = GoneWorkers()
        gone.record(["old"])
        let poll = Task { await gone.wait(after: 1, timeout: .seconds(3600)) }
        while gone.parkedCount == 0 { try? await Task.sleep(for: .milliseconds(2)) }
        gone.record(["dead"])
        #expect(await poll.value == GoneReply(seq: 2, workers: ["dead"]))
    }

    @Test func manyPollsAreAllAnswered() async {
        let gone = GoneWorkers()
        let polls = (0..<8).map { _ in Task { await gone.wait(after: 0, timeout: .seconds(3600)) } }
        while gone.parkedCount < 8 { try? await Task.sleep(for: .milliseconds(2)) }
        gone.record(["x"])
        for poll in polls { #expect(await poll.value == GoneReply(seq: 1, workers: ["x"])) }
    }

    @Test func aPollWithNothingToReportEndsAtItsTimeoutWithTheSameCursor() async {
        let gone = GoneWorkers()
        gone.record(["a"])
        #expect(await gone.wait(after: 1, timeout: .milliseconds(30)) == GoneReply(seq: 1, workers: []))
    }

    @Test func closeAnswersOpenAndLaterPolls() async {
        let gone = GoneWorkers()
        let poll = Task { await gone.wait(after: 0, timeout: .seconds(3600)) }
        while gone.parkedCount == 0 { try? await Task.sleep(for: .milliseconds(2)) }
        gone.close()
        #expect(await poll.value == GoneReply(seq: 0, workers: []))
        #expect(await gone.wait(after: 0, timeout: .seconds(3600)) == GoneReply(seq: 0, workers: []))
    }

    @Test func aCancelledPollReturns() async {
        let gone = GoneWorkers()
        let poll = Task { await gone.wait(after: 0, timeout: .seconds(3600)) }
        while gone.parkedCount == 0 { try? await Task.sleep(for: .milliseconds(2)) }
        poll.cancel()
        #expect(await poll.value.workers.isEmpty)
    }
}
