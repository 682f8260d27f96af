import Testing
@testable import ManagerService

/// docs/manager-api.md `GET /v1/workers/{id}/logs`: an invocation's lines from START to REPORT, the RIE's own
/// `(rapid)` diagnostics left out, bounded per worker.
@Suite struct WorkerLogTailsTests {
    func feed(_ tails: WorkerLogTails, _ lines: [(String, String)]) {
        for (stream, text) in lines { tails.append("w1", line: Array(text.utf8), stream: stream) }
    }

    @Test func anInvocationIsItsStartThroughReportLines() {
        let tails = WorkerLogTails()
        tails.open("w1")
        feed(
            tails,
            [
                ("stdout", "START RequestId: r1 Version: $LATEST"), ("stdout", "one"), ("stdout", "END RequestId: r1"),
                ("stdout", "REPORT RequestId: r1\tDuration: 1 ms"),
                ("stdout", "START RequestId: r2 Version: $LATEST"),
                ("stderr", "06 Dec 2026 19:55:11,740 [INFO] (rapid) INVOKE START(requestId: r2)"),
                ("stderr", "two-err"),
            ])
        #expect(
            tails.invocation("w1", requestID: "r1")?.lines == [
                "START RequestId: r1 Version: $LATEST", "one", "END RequestId: r1",
                "REPORT RequestId: r1\tDuration: 1 ms",
            ])
        #expect(tails.invocation("w1", requestID: "r1")?.complete == true)
        let r2 = tails.invocation("w1", requestID: "r2")
        #expect(r2?.complete == false && r2?.lines == ["START RequestId: r2 Version: $LATEST", "two-err"])
        #expect(tails.invocation("w1", requestID: "r9")?.lines == [])
        #expect(tails.invocation("nobody", requestID: "r1") == nil)
        tails.close("w1")
        #expect(tails.invocation("w1", requestID: "r1") == nil)
    }

    @Test func aLongInvocationKeepsItsNewestLinesWithinTheBounds() {
        let tails = WorkerLogTails()
        tails.open("w1")
        feed(tails, [("stdout", "START RequestId: big Version: $LATEST")])
        feed(tails, (0..<2000).map { ("stdout", "line-\($0)") })
        feed(tails, [("stdout", "END RequestId: big"), ("stdout", "REPORT RequestId: big")])
        let got = tails.invocation("w1", requestID: "big")
        #expect(got?.complete == true && got?.lines.count == WorkerLogTails.maxLines)
        #expect(got?.lines.last == "REPORT RequestId: big" && got?.lines.contains("line-1999") == true)
    }
}
