import BoxCore
import DockerEngine
import ESBTestSupport
import Foundation
import Testing
@testable import ManagerService

/// Start-up and Docker faults around leases, on the real dockerd (docs/manager.md): the first Adopt & Sync gates
/// the API, a worker that exits while starting, a worker unpaused by hand, a cold start's placeholder id.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ManagerFaultTests {
    /// A restarted manager answers no heartbeat or lease from a table its first sync has not filled: before the
    /// fix the heartbeat got the held worker back in `revoked` and the lease cold-started a second worker
    /// beyond `max_concurrency: 1`.
    @Test func callsBeforeTheFirstSyncWaitForIt() async throws {
        let fn = ManagerHarness.uniqueFunction("first-sync")
        let functions = [ManagerHarness.echo(fn, maxConcurrency: 1)]
        let first = try await ManagerHarness(functions: functions)
        let held = await first.lease(fn, gateway: "g1")
        guard let id = held.json?["workers"]?[0]?["id"]?.stringValue else {
            await first.finish()
            Issue.record("no worker leased: \(held)")
            return
        }
        await first.service.shutdown()  // the workers stay for the next manager
        let second = try await ManagerHarness(
            functions: functions, instance: first.instance, awaitSync: false,
            backend: { FaultyBackend(docker: $0, listDelay: .milliseconds(800)) })
        try await second.run { (h: ManagerHarness) async throws in
            #expect(await h.heartbeat(leased: [id], gateway: "g1").isEmpty)
            let other = await h.lease(fn, gateway: "g2")
            #expect(other.status == 201)
            #expect(other.json?["workers"]?.arrayValue?.isEmpty == true)
            #expect(other.json?["limit_reached"]?.boolValue == true)
            #expect(try await h.containers().map(\.id) == [id])
        }
        await first.finish()
    }

    /// Docker unreachable at start: the manager answers at once, 503 for every call that needs the table.
    @Test func withDockerUnreachableAtStartTheCallsAre503() async throws {
        let fn = ManagerHarness.uniqueFunction("no-docker")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-docker-\(UUID()).sock").path
        try await ManagerHarness(
            functions: [ManagerHarness.echo(fn)], dockerHost: "unix://\(path)", awaitSync: false
        ).run { (h: ManagerHarness) async throws in
            let clock = ContinuousClock()
            let started = clock.now
            #expect(
                await h.call("POST", "/v1/workers/heartbeat", body: #"{"leased":["x"],"released":[]}"#).status == 503)
            #expect(await h.lease(fn).status == 503)
            #expect(await h.call("GET", "/v1/workers").status == 503)
            #expect(await h.call("DELETE", "/v1/workers/x").status == 503)
            #expect(await h.call("GET", "/health", token: nil).status == 503)
            #expect(clock.now - started < .seconds(5))
        }
    }

    /// A worker that exits at once is reported as an exit (503), whatever wins the race with the address check;
    /// before the fix the lost race answered 500 `has no address on network`.
    @Test func aWorkerThatExitsBeforeItsInspectIsAnExit() async throws {
        let fn = ManagerHarness.uniqueFunction("exit-at-once")
        try await ManagerHarness(
            functions: [ManagerHarness.echo(fn)], backend: { FaultyBackend(docker: $0, exitAtStart: true) }
        ).run { (h: ManagerHarness) async throws in
            let answer = await h.lease(fn)
            #expect(answer.status == 503)
            let message = answer.json?["message"]?.stringValue ?? ""
            #expect(message.contains("exited while starting (exit code 3)"), "\(message)")
            #expect(try await h.containers().isEmpty)
            #expect(await h.listed().isEmpty)
        }
    }

    /// A paused worker unpaused behind the manager's back is running: the lease hands it out (before the fix:
    /// 500 `Container ... is not paused`, and the running container was removed).
    @Test func aWorkerUnpausedByHandIsLeasedAsRunning() async throws {
        let fn = ManagerHarness.uniqueFunction("hand-unpause")
        try await ManagerHarness(
            functions: [ManagerHarness.echo(fn, maxConcurrency: 1)], environment: ["PAUSE_IDLE_SECONDS": "0.3"]
        ).run { (h: ManagerHarness) async throws in
            let id = try #require(await h.lease(fn).json?["workers"]?[0]?["id"]?.stringValue)
            _ = await h.heartbeat(released: [id])
            try await waitUntil("the idle pause") { await h.inspect(id)?.state.paused == true }
            try await waitUntil("the table to say paused") {
                await h.listed().first?["state"]?.stringValue == "paused"
            }
            try await h.docker.unpauseContainer(id)
            let answer = await h.lease(fn)
            #expect(answer.status == 201)
            let worker = try #require(answer.json?["workers"]?[0])
            #expect(worker["id"]?.stringValue == id)
            let host = try #require(worker["host"]?.stringValue)
            #expect(try await h.invoke(host: host, port: 8080, payload: "{}").status == 200)
        }
    }

    /// A paused worker that cannot be resumed (gone) is replaced by a cold start within `max_concurrency`
    /// instead of failing the lease (it used to answer 500 `Docker: No such container`).
    @Test func aPausedWorkerThatCannotBeResumedIsReplacedByAColdStart() async throws {
        let fn = ManagerHarness.uniqueFunction("resume-gone")
        try await ManagerHarness(
            functions: [ManagerHarness.echo(fn, maxConcurrency: 1)], environment: ["PAUSE_IDLE_SECONDS": "0.3"],
            backend: { FaultyBackend(docker: $0, unpauseGone: true) }
        ).run { (h: ManagerHarness) async throws in
            let id = try #require(await h.lease(fn).json?["workers"]?[0]?["id"]?.stringValue)
            _ = await h.heartbeat(released: [id])
            try await waitUntil("the table to say paused") {
                await h.listed().first?["state"]?.stringValue == "paused"
            }
            let answer = await h.lease(fn)
            #expect(answer.status == 201)
            let worker = try #require(answer.json?["workers"]?[0])
            #expect(worker["state"]?.stringValue == "new")
            #expect(worker["id"]?.stringValue != id)
            let host = try #require(worker["host"]?.stringValue)
            #expect(try await h.invoke(host: host, port: 8080, payload: "{}").status == 200)
        }
    }

    /// `GET /v1/workers` lists a cold start in progress as `starting-N`; that id names no worker: DELETE is 404
    /// (it used to answer 204 and do nothing).
    @Test func deletingAColdStartsPlaceholderIs404() async throws {
        let fn = ManagerHarness.uniqueFunction("placeholder")
        try await ManagerHarness(functions: [ManagerHarness.echo(fn)]).run { (h: ManagerHarness) async throws in
            async let leased = h.lease(fn)
            var placeholder: String?
            try await waitUntil("the placeholder in the list") {
                placeholder = await h.listed().compactMap { $0["id"]?.stringValue }.first { $0.hasPrefix("starting-") }
                return placeholder != nil
            }
            #expect(await h.call("DELETE", "/v1/workers/\(try #require(placeholder))").status == 404)
            #expect(await leased.status == 201)
        }
    }
}
