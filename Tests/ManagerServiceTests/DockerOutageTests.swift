import ESBTestSupport
import BoxCore
import DockerEngine
import Foundation
import Testing
@testable import ManagerService

/// Docker going away and coming back. The first test puts a relay in front of the real daemon's socket and
/// takes it away (the daemon keeps running for the other suites). The second stops and restarts a real dockerd
/// that the test started for itself (`PrivateDockerDaemon`), so it runs beside every other suite.
@Suite(.serialized, .timeLimit(.minutes(5))) struct DockerOutageTests {
    @Test func healthIs503WhileTheDaemonIsUnreachableAndTheManagerRecovers() async throws {
        let proxy = DockerSocketProxy()
        try proxy.start()
        defer { proxy.stop() }
        let fn = ManagerHarness.uniqueFunction("outage")
        let other = ManagerHarness.uniqueFunction("outage-cold")
        let harness = try await ManagerHarness(
            functions: [ManagerHarness.echo(fn), ManagerHarness.echo(other)], dockerHost: "unix://\(proxy.path)")
        try await harness.run { (h: ManagerHarness) async throws in
            let id = try #require(await h.lease(fn).json?["workers"]?[0]?["id"]?.stringValue)
            #expect(await h.call("GET", "/health", token: nil).status == 200)

            proxy.stop()
            try await waitUntil("health 503") { await h.call("GET", "/health", token: nil).status == 503 }
            let cold = await h.lease(other)
            #expect(cold.status == 503)
            #expect(cold.json?["message"]?.stringValue?.isEmpty == false)
            // Leases held keep working: the heartbeat needs no Docker.
            #expect(await h.heartbeat(leased: [id]).isEmpty)

            try proxy.start()
            try await waitUntil("health 200 again", timeout: .seconds(20)) {
                await h.call("GET", "/health", token: nil).status == 200
            }
            try await waitUntil("the resync") { await h.service.workers.dockerReachable }
            #expect(await h.listed().map { $0["id"]?.stringValue } == [id])
            #expect(await h.lease(other).status == 201)
        }
    }

    /// `DELETE /v1/workers/{id}` needs Docker: while it is unreachable the answer is 503 (it used to be 204 with
    /// nothing removed, and the resync then adopted the worker back into service). The worker stays out of service
    /// and is removed once Docker is back.
    @Test func aDeleteWhileTheDaemonIsUnreachableIs503AndTheWorkerIsRemovedLater() async throws {
        let proxy = DockerSocketProxy()
        try proxy.start()
        defer { proxy.stop() }
        let fn = ManagerHarness.uniqueFunction("outage-delete")
        let real = try await DockerTestSupport.client()
        let harness = try await ManagerHarness(
            functions: [ManagerHarness.echo(fn)], environment: ["LEASE_TIMEOUT_SECONDS": "1"],
            dockerHost: "unix://\(proxy.path)")
        try await harness.run { (h: ManagerHarness) async throws in
            let id = try #require(await h.lease(fn).json?["workers"]?[0]?["id"]?.stringValue)
            proxy.stop()
            try await waitUntil("health 503") { await h.call("GET", "/health", token: nil).status == 503 }
            let answer = await h.call("DELETE", "/v1/workers/\(id)")
            #expect(answer.status == 503)
            #expect(answer.json?["message"]?.stringValue?.isEmpty == false)
            #expect((try? await real.inspectContainer(id))?.state.running == true)

            try proxy.start()
            try await waitUntil("the resync", timeout: .seconds(20)) { await h.service.workers.dockerReachable }
            try await waitUntil("the broken worker removed", timeout: .seconds(20)) {
                (try? await real.inspectContainer(id)) == nil
            }
            let fresh = await h.lease(fn)
            #expect(fresh.status == 201)
            #expect(fresh.json?["workers"]?[0]?["id"]?.stringValue != id)
        }
    }

    /// The daemon really stops (SIGTERM, as a service manager does) and starts again on the same state. On a
    /// private dockerd of this test (`PrivateDockerDaemon`), so the suites running beside it keep theirs.
    @Test func aRestartedDockerDaemonGives503ThenRecovery() async throws {
        try await PrivateDockerDaemon.with(images: [ManagerHarness.image]) { daemon in
            let fn = ManagerHarness.uniqueFunction("dockerd")
            let other = ManagerHarness.uniqueFunction("dockerd-cold")
            let harness = try await ManagerHarness(
                functions: [ManagerHarness.echo(fn), ManagerHarness.echo(other)], dockerHost: daemon.host)
            try await harness.run { (h: ManagerHarness) async throws in
                let worker = try #require(await h.lease(fn).json?["workers"]?[0])
                let id = try #require(worker["id"]?.stringValue)
                let before = try #require(worker["host"]?.stringValue)
                #expect(try await h.invoke(host: before, port: 8080, payload: "{}").status == 200)

                await daemon.stop()
                try await waitUntil("health 503") { await h.call("GET", "/health", token: nil).status == 503 }
                // A cold start needs Docker.
                #expect(await h.lease(other).status == 503)
                // No heartbeat check here: a stopping dockerd kills its containers first, and the manager may
                // already have seen the worker's `die` event (then it is rightly revoked now).

                try await daemon.launch()
                try await waitUntil("health 200", timeout: .seconds(60)) {
                    await h.call("GET", "/health", token: nil).status == 200
                }
                try await waitUntil("the resync", timeout: .seconds(30)) { await h.service.workers.dockerReachable }
                // The daemon's restart killed the worker (restart policy no): forgotten, revoked, replaced on demand.
                try await waitUntil("the dead worker to be forgotten") {
                    await h.listed().allSatisfy { $0["id"]?.stringValue != id }
                }
                #expect(await h.heartbeat(leased: [id]) == [id])
                let fresh = await h.lease(fn)
                #expect(fresh.status == 201)
                let host = try #require(fresh.json?["workers"]?[0]?["host"]?.stringValue)
                #expect(try await h.invoke(host: host, port: 8080, payload: "{}").status == 200)
                #expect(await h.lease(other).status == 201)
            }
        }
    }
}
