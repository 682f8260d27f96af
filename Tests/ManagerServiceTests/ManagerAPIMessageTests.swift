import BoxCore
import ManagerAPI
import Testing

/// The ManagerAPI messages both daemons read and write (docs/manager-api.md): the exact bytes the Manager sends,
/// what the gateway reads back, and what a malformed body is.
@Suite struct ManagerAPIMessageTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func aLeaseAnswerIsWrittenInTheDocumentedOrderAndReadBack() throws {
        let reply = LeaseReply(
            workers: [ManagerWorker(id: "a1", name: "esb-f-1", host: "172.18.0.5", port: 8080, state: .leased(.warm))],
            limitReached: false)
        #expect(
            text(reply.body)
                == #"{"workers":[{"id":"a1","name":"esb-f-1","host":"172.18.0.5","port":8080,"state":"warm"}],"limit_reached":false}"#
        )
        let read = try LeaseReply(body: reply.body)
        #expect(read == reply)
        #expect(read.workers.first?.leaseKind == .warm)
    }

    @Test func aListingCarriesEveryFieldAndANullHolder() throws {
        let worker = ManagerWorker(
            id: "b2", name: "esb-f-2", host: "h", port: 8080, state: .life(.paused), function: "f", leased: true,
            holder: nil, config: "c0ffee", lastUsed: "2026-01-01T00:00:00.000Z", created: "2026-01-01T00:00:00.000Z")
        let body = WorkerList(workers: [worker]).body
        #expect(
            text(body)
                == #"{"workers":[{"id":"b2","name":"esb-f-2","function":"f","state":"paused","leased":true,"holder":null,"config":"c0ffee","host":"h","port":8080,"last_used":"2026-01-01T00:00:00.000Z","created":"2026-01-01T00:00:00.000Z"}]}"#
        )
        #expect(try WorkerList(body: body).workers == [worker])
        // Older Managers answered a bare array.
        #expect(try WorkerList(body: Array(#"[{"id":"x"}]"#.utf8)).workers == [ManagerWorker(id: "x")])
    }

    @Test(arguments: [
        ("warm", WorkerStatus.leased(.warm)), ("resumed", .leased(.resumed)), ("new", .leased(.new)),
        ("starting", .life(.starting)), ("running", .life(.running)), ("paused", .life(.paused)),
        ("stopped", .life(.stopped)), ("hibernating", .unknown("hibernating")),
    ])
    func stateWordsAreTyped(word: String, status: WorkerStatus) {
        #expect(WorkerStatus(word) == status)
        #expect(status.description == word)
    }

    @Test func heartbeatAnswersNamePausedOnlyWhenSomeWorkerIs() throws {
        #expect(text(HeartbeatReply(revoked: ["x"]).body) == #"{"revoked":["x"]}"#)
        let paused = HeartbeatReply(revoked: [], paused: ["zeta": 1, "alpha": 2])
        #expect(text(paused.body) == #"{"revoked":[],"paused":{"alpha":2,"zeta":1}}"#)
        #expect(try HeartbeatReply(body: paused.body) == paused)
    }

    @Test func requestBodiesRoundTripAndEmptyOnesTakeTheDefaults() throws {
        #expect(text(LeaseRequest(count: 3).body) == #"{"count":3}"#)
        #expect(try LeaseRequest(body: Array(" \n".utf8)).count == 1)
        let heartbeat = HeartbeatRequest(leased: ["a"], released: ["b", "c"])
        #expect(try HeartbeatRequest(body: heartbeat.body) == heartbeat)
        #expect(
            try HeartbeatRequest(body: Array(#"{"leased":null}"#.utf8)) == HeartbeatRequest(leased: [], released: []))
        let gone = GoneReply(seq: 42, workers: ["d"])
        #expect(text(gone.body) == #"{"seq":42,"workers":["d"]}"#)
        #expect(try GoneReply(body: gone.body) == gone)
    }

    @Test(arguments: [
        (#"{"count":0}"#, "count must be a whole number ≥ 1"), (#"{"count":"2"}"#, "count must be a whole number ≥ 1"),
        ("[1]", "the body must be a JSON object"), ("{", "the body must be a JSON object"),
    ])
    func malformedLeaseBodiesSayWhy(body: String, message: String) {
        #expect(throws: ManagerAPIError(message)) { try LeaseRequest(body: Array(body.utf8)) }
    }

    @Test func malformedIdListsSayWhich() {
        #expect(throws: ManagerAPIError("released must be a list of ids")) {
            try HeartbeatRequest(body: Array(#"{"leased":[],"released":[1]}"#.utf8))
        }
        #expect(throws: ManagerAPIError("a worker entry needs an \"id\"")) {
            try LeaseReply(body: Array(#"{"workers":[{"name":"x"}]}"#.utf8))
        }
    }

    @Test func theReferenceCallAndHealthKeepTheirShapes() throws {
        #expect(try EnsureRequest(body: Array(#"{"function_name":"f","image":"ignored"}"#.utf8)).functionName == "f")
        #expect(throws: ManagerAPIError("function_name is required")) {
            try EnsureRequest(body: Array(#"{"function_name":""}"#.utf8))
        }
        #expect(text(EnsureReply(host: "127.0.0.1", port: 32768).body) == #"{"host":"127.0.0.1","port":32768}"#)
        #expect(text(HealthReply.healthy(engineVersion: "28.2.2").body) == #"{"status":"healthy","docker":"28.2.2"}"#)
        #expect(text(HealthReply.unhealthy(message: "down").body) == #"{"status":"unhealthy","message":"down"}"#)
    }

    @Test func errorBodiesNameTheImageAndFallBackToTheText() {
        let missing = ErrorReply(message: "Image not found: img:1", image: "img:1")
        #expect(text(missing.body) == #"{"message":"Image not found: img:1","image":"img:1"}"#)
        #expect(ErrorReply(body: missing.body) == missing)
        #expect(ErrorReply(body: Array(#"{"error":"nope"}"#.utf8)) == ErrorReply(message: "nope"))
        #expect(ErrorReply(body: Array("oops".utf8)) == ErrorReply(message: "oops"))
    }
}
