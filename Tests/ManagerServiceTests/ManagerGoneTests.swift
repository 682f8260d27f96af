import BoxCore
import Testing
@testable import ManagerService

/// `GET /v1/workers/gone` on the real Docker engine (docs/manager-api.md): a worker removed behind the box's back
/// reaches an open poll from Docker's `destroy`/`die` events.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ManagerGoneTests {
    @Test func aWorkerRemovedBehindTheBoxsBackAnswersAnOpenPoll() async throws {
        let fn = ManagerHarness.uniqueFunction("gone")
        try await ManagerHarness(functions: [ManagerHarness.echo(fn)]).run { (h: ManagerHarness) async throws in
            let start = await h.call("GET", "/v1/workers/gone")
            #expect(start.status == 200 && start.json?["workers"]?.arrayValue?.isEmpty == true)
            let cursor = try #require(start.json?["seq"]?.intValue)
            let id = try #require(await h.lease(fn).json?["workers"]?[0]?["id"]?.stringValue)
            async let poll = h.call("GET", "/v1/workers/gone?after=\(cursor)")
            try await h.docker.removeContainer(id, force: true)
            let answer = await poll
            #expect(answer.status == 200)
            #expect(answer.json?["workers"]?.arrayValue?.compactMap(\.stringValue) == [id])
            #expect((answer.json?["seq"]?.intValue ?? 0) > cursor)
            // The worker is gone from the table too, and a heartbeat that still lists it gets it revoked.
            #expect(await h.listed().isEmpty)
            #expect(await h.heartbeat(leased: [id]) == [id])
        }
    }

    @Test func thePollNeedsTheTokenAndAWholeNumber() async throws {
        let fn = ManagerHarness.uniqueFunction("gone-bad")
        try await ManagerHarness(functions: [ManagerHarness.echo(fn)]).run { (h: ManagerHarness) async throws in
            #expect(await h.call("GET", "/v1/workers/gone", token: nil).status == 401)
            let bad = await h.call("GET", "/v1/workers/gone?after=-1")
            #expect(bad.status == 400 && bad.json?["message"]?.stringValue == "after must be a whole number ≥ 0")
        }
    }
}
