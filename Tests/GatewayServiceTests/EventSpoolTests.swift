import BoxCore
import BoxCrypto
import Foundation
import Testing
@testable import GatewayService

/// The event spool's format and replay (docs/async-invocations.md), on real files in a fresh temporary folder.
@Suite(.timeLimit(.minutes(5))) struct EventSpoolTests {
    static func event(_ id: String, function: String = "echo", at: Int64 = 1_000) -> SpooledEvent {
        SpooledEvent(id: id, function: function, traceID: "Root=1-\(id)", enqueuedAtMillis: at)
    }

    static func folder() -> String { "/tmp/esb-unit-spool-" + UUIDv4.string() }

    @Test func recordsRoundTripThroughTheirFraming() throws {
        var e = Self.event("r1")
        e.progress = EventProgress(invokeCount: 2, functionErrors: 1, backoffStep: 3, dueAtMillis: 123_456)
        let records: [SpoolRecord] = [
            .admit(e, payload: Array(#"{"k":"v"}"#.utf8)), .done(id: "r1"), .progress(id: "r1", e.progress),
        ]
        let bytes = records.flatMap { $0.encoded() }
        let scan = SpoolSegmentScanner.scan(bytes)
        #expect(scan.damage.isEmpty)
        #expect(scan.entries.map(\.record) == records)
        #expect(Array(bytes[0..<4]) == Array("ESBR".utf8))
        // The payload sits where the index says.
        let offset = SpoolRecord.payloadOffset(of: e)
        #expect(Array(bytes[offset..<offset + 9]) == Array(#"{"k":"v"}"#.utf8))
    }

    @Test func aDamagedRecordIsSkippedAndTheOthersAreRead() {
        let a = SpoolRecord.admit(Self.event("a"), payload: Array("1".utf8)).encoded()
        var b = SpoolRecord.admit(Self.event("b"), payload: Array("22".utf8)).encoded()
        let c = SpoolRecord.admit(Self.event("c"), payload: Array("333".utf8)).encoded()
        b[b.count - 1] ^= 0xFF  // a flipped bit in b's payload
        let scan = SpoolSegmentScanner.scan(a + b + c)
        #expect(
            scan.entries.map(\.record) == [
                .admit(Self.event("a"), payload: Array("1".utf8)), .admit(Self.event("c"), payload: Array("333".utf8)),
            ])
        #expect(scan.damage == [SpoolSegmentScanner.Damage(offset: a.count, reason: "checksum mismatch")])
    }

    @Test(arguments: [1, 5, 12, 20])
    func aTornLastRecordIsReportedAndTheRestIsRead(keep: Int) {
        let a = SpoolRecord.admit(Self.event("a"), payload: Array("1".utf8)).encoded()
        let b = SpoolRecord.admit(Self.event("b"), payload: Array("22".utf8)).encoded()
        let scan = SpoolSegmentScanner.scan(a + b.prefix(keep))
        #expect(scan.entries.count == 1)
        #expect(scan.damage.count == 1)
        #expect(scan.damage.first?.offset == a.count)
    }

    @Test func replayReturnsWhatIsNotDoneWithPayloadsAndProgress() async throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spool = try EventSpool(directory: dir, maxBytes: 1 << 20)
        #expect(spool.replay().events.isEmpty)
        spool.start()
        for i in 1...3 { try await spool.admit(Self.event("e\(i)", at: Int64(i)), payload: Array("{\"n\":\(i)}".utf8)) }
        #expect(try spool.payload(of: "e2") == Array("{\"n\":2}".utf8))
        spool.finish("e1")
        let progress = EventProgress(invokeCount: 1, functionErrors: 1, backoffStep: 0, dueAtMillis: 99)
        spool.record("e3", progress: progress)
        spool.close()

        let again = try EventSpool(directory: dir, maxBytes: 1 << 20)
        let replay = again.replay()
        #expect(replay.warnings.isEmpty)
        #expect(replay.events.map(\.id) == ["e2", "e3"])
        #expect(replay.events.last?.progress == progress)
        #expect(try again.payload(of: "e3") == Array("{\"n\":3}".utf8))
        again.start()
        again.close()
    }

    /// docs/async-invocations.md "Segments": an old event still waiting (a retry) while later segments fill and
    /// empty. Their `done` and `progress` records of events admitted before them must survive: deleting a later
    /// segment first made a restart run finished events again and reset the waiting one's retry count.
    @Test func aLaterSegmentIsNotDeletedBeforeAnOlderOneAndARestartRunsNothingTwice() async throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pad = Array(repeating: UInt8(ascii: "x"), count: 600)
        let spool = try EventSpool(directory: dir, maxBytes: 1 << 20, segmentLimit: 2048)
        _ = spool.replay()
        spool.start()
        // seg 1: the waiting event and two that finish only later (their done records land in later segments).
        for id in ["waits", "a", "b"] { try await spool.admit(Self.event(id), payload: pad) }
        // Later segments: events admitted and finished there, until the writer has moved on twice more.
        // Eight more events of ~700 bytes: the writer moves on to a new 2 KiB segment about every third one.
        for n in 1...8 {
            try await spool.admit(Self.event("later\(n)"), payload: pad)
            if n == 2 {
                spool.finish("a")
                spool.finish("b")
                spool.record(
                    "waits", progress: EventProgress(invokeCount: 2, functionErrors: 2, backoffStep: 0, dueAtMillis: 7))
            }
            spool.finish("later\(n)")
        }
        try await spool.admit(Self.event("last"), payload: pad)
        // The first segment is pinned by the waiting event, so every later one is kept too.
        #expect(spool.usage.segments >= 4)
        spool.close()

        let again = try EventSpool(directory: dir, maxBytes: 1 << 20, segmentLimit: 2048)
        let replay = again.replay()
        #expect(replay.warnings.isEmpty)
        #expect(replay.events.map(\.id) == ["waits", "last"])
        #expect(replay.events.first?.progress.invokeCount == 2)
        again.start()
        again.close()
    }

    @Test func aCrashMidWriteLosesOnlyTheTornRecordWithAWarning() async throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spool = try EventSpool(directory: dir, maxBytes: 1 << 20)
        _ = spool.replay()
        spool.start()
        try await spool.admit(Self.event("kept"), payload: Array("{}".utf8))
        spool.close()
        // What a crash in the middle of an append leaves: half a record at the end of the segment.
        let segment = dir + "/" + EventSpool.segmentName(1)
        let torn = SpoolRecord.admit(Self.event("torn"), payload: Array("{\"x\":1}".utf8)).encoded()
        let handle = try #require(FileHandle(forWritingAtPath: segment))
        handle.seekToEndOfFile()
        handle.write(Data(torn.prefix(torn.count / 2)))
        try handle.close()

        let again = try EventSpool(directory: dir, maxBytes: 1 << 20)
        let replay = again.replay()
        #expect(replay.events.map(\.id) == ["kept"])
        #expect(replay.warnings.count == 1)
        #expect(replay.warnings.first?.contains("truncated record") == true)
        // New admissions go to a new segment, never after the torn bytes.
        again.start()
        try await again.admit(Self.event("next"), payload: Array("{}".utf8))
        again.close()
        #expect(FileManager.default.fileExists(atPath: dir + "/" + EventSpool.segmentName(2)))
        let third = try EventSpool(directory: dir, maxBytes: 1 << 20).replay()
        #expect(third.events.map(\.id) == ["kept", "next"])
    }

    @Test func aFullSpoolRefusesAdmissionAndFinishedSegmentsAreDeleted() async throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spool = try EventSpool(directory: dir, maxBytes: 8192, segmentLimit: 2048)
        _ = spool.replay()
        spool.start()
        let payload = [UInt8](repeating: UInt8(ascii: "1"), count: 900)
        var accepted: [String] = []
        var refused = false
        for i in 0..<20 {
            do {
                try await spool.admit(Self.event("f\(i)"), payload: payload)
                accepted.append("f\(i)")
            } catch {
                #expect(error == .full)
                refused = true
                break
            }
        }
        #expect(refused)
        #expect(accepted.count >= 4)
        #expect(spool.usage.bytes <= 8192)
        for id in accepted { spool.finish(id) }
        // Once everything is done, only the segment being written (if any) remains, and admission works again.
        try await spool.admit(Self.event("after"), payload: payload)
        #expect(spool.usage.segments <= 2)
        spool.close()
        #expect(try EventSpool(directory: dir, maxBytes: 8192).replay().events.map(\.id) == ["after"])
    }

    @Test func concurrentAdmissionsShareFsyncs() async throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spool = try EventSpool(directory: dir, maxBytes: 1 << 26)
        _ = spool.replay()
        spool.start()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<200 {
                group.addTask { try await spool.admit(Self.event("c\(i)"), payload: Array("{}".utf8)) }
            }
            try await group.waitForAll()
        }
        let usage = spool.usage
        #expect(usage.admitted == 200)
        #expect(usage.fsyncs >= 1 && usage.fsyncs <= 200)
        spool.close()
        #expect(try EventSpool(directory: dir, maxBytes: 1 << 26).replay().events.count == 200)
    }
}

@Suite(.timeLimit(.minutes(5))) struct EventPolicyTests {
    @Test func functionErrorsAreRetriedAfterTheConfiguredDelaysThenDead() {
        let policy = EventRetryPolicy(retryDelays: [.seconds(60), .seconds(120)])
        var p = EventProgress()
        guard case .retry(let p1) = policy.afterFunctionError(p, maxRetries: 2, now: 0) else {
            Issue.record("no retry"); return
        }
        #expect(p1.dueAtMillis == 60_000 && p1.invokeCount == 1)
        guard case .retry(let p2) = policy.afterFunctionError(p1, maxRetries: 2, now: 100_000) else {
            Issue.record("no retry"); return
        }
        #expect(p2.dueAtMillis == 220_000)
        #expect(
            policy.afterFunctionError(p2, maxRetries: 2, now: 300_000)
                == .dead(
                    .retriesExhausted,
                    EventProgress(
                        invokeCount: 3, functionErrors: 3, backoffStep: 0, dueAtMillis: 220_000)))
        p.functionErrors = 0
        if case .dead = policy.afterFunctionError(p, maxRetries: 0, now: 0) {
        } else {
            Issue.record("0 retries must be dead")
        }
    }

    @Test func systemErrorsBackOffExponentiallyUpToFiveMinutes() {
        let policy = EventRetryPolicy()
        var p = EventProgress()
        var delays: [Int64] = []
        for _ in 0..<12 {
            p = policy.afterSystemError(p, invoked: false, now: 0)
            delays.append(p.dueAtMillis / 1000)
        }
        #expect(delays == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300])
        #expect(p.invokeCount == 0)
        #expect(EventRetryPolicy.isExpired(enqueuedAt: 0, maxAgeSeconds: 60, now: 60_000))
        #expect(!EventRetryPolicy.isExpired(enqueuedAt: 0, maxAgeSeconds: 60, now: 59_999))
    }

    @Test func delaysParseFromTheEnvironment() {
        #expect(EventRetryPolicy.parseDelays("60,120") == [.seconds(60), .seconds(120)])
        #expect(EventRetryPolicy.parseDelays(" 0.2 , 0.5") == [.milliseconds(200), .milliseconds(500)])
        #expect(EventRetryPolicy.parseDelays("a,1") == nil)
        #expect(EventRetryPolicy.parseDelays("") == nil)
    }

    @Test func deadRecordHasAWSDestinationShape() throws {
        let record = DeadRecord(
            event: SpooledEvent(id: "req-1", function: "fails", traceID: "t", enqueuedAtMillis: 0),
            functionARN: "arn:aws:lambda:ap-northeast-1:000000000000:function:fails", condition: .retriesExhausted,
            approximateInvokeCount: 3, requestPayload: Array(#"{"a":1}"#.utf8),
            lastResponse: EventResponse(
                statusCode: 200, functionError: "Unhandled", payload: Array(#"{"errorMessage":"boom"}"#.utf8)),
            timestampMillis: 0)
        let json = try JSONValue(parsing: record.json())
        #expect(json["version"] == "1.0")
        #expect(json["timestamp"] == "1970-01-01T00:00:00.000Z")
        #expect(json["requestContext"]?["requestId"] == "req-1")
        #expect(
            json["requestContext"]?["functionArn"]
                == "arn:aws:lambda:ap-northeast-1:000000000000:function:fails:$LATEST")
        #expect(json["requestContext"]?["condition"] == "RetriesExhausted")
        #expect(json["requestContext"]?["approximateInvokeCount"]?.intValue == 3)
        #expect(json["requestPayload"]?["a"]?.intValue == 1)
        #expect(json["responseContext"]?["functionError"] == "Unhandled")
        #expect(json["responseContext"]?["executedVersion"] == "$LATEST")
        #expect(json["responsePayload"]?["errorMessage"] == "boom")
    }

    @Test func backgroundWaitersAreServedAfterEverySynchronousOne() {
        var q = WaiterQueue()
        q.append(Waiter(id: 1, deadline: .seconds(1), background: true))
        q.append(Waiter(id: 2, deadline: .seconds(1), background: true))
        q.append(Waiter(id: 3, deadline: .seconds(1)))
        q.append(Waiter(id: 4, deadline: .seconds(1)))
        #expect(q.count == 4)
        #expect(q.removeLast()?.id == 2)  // the newest event gives way first
        #expect([q.removeFirst(), q.removeFirst(), q.removeFirst()].map { $0?.id } == [3, 4, 1])
        #expect(q.isEmpty)
    }
}

@Suite(.timeLimit(.minutes(5))) struct EventQueueStateTests {
    @Test func delayedEventsBecomeReadyInDueOrderAndCapacityIsPerFunction() {
        var s = EventQueueState()
        for (id, due) in [("c", Int64(30)), ("a", 10), ("b", 20), ("now", 0)] {
            var e = SpooledEvent(id: id, function: "f", traceID: "", enqueuedAtMillis: 0)
            e.progress.dueAtMillis = due
            s.add(e, now: 5)
        }
        #expect(s.takeStartable(capacity: { _ in 10 }, maxRunning: 10).map(\.event.id) == ["now"])
        s.promoteDue(now: 25)
        #expect(s.takeStartable(capacity: { _ in 2 }, maxRunning: 10).map(\.event.id) == ["a"])  // "now" still runs
        s.attemptEnded("now", function: "f", next: nil, now: 25)
        #expect(s.takeStartable(capacity: { _ in 2 }, maxRunning: 10).map(\.event.id) == ["b"])
        s.promoteDue(now: 100)
        #expect(s.takeStartable(capacity: { _ in 3 }, maxRunning: 10).map(\.event.id) == ["c"])
        #expect(s.queuedCount == 3)
        s.stopped = true
        #expect(s.takeStartable(capacity: { _ in 3 }, maxRunning: 10).isEmpty)
    }
}
