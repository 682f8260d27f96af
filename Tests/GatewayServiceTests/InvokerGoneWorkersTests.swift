import ESBTestSupport
import Testing
@testable import GatewayService

/// The Manager's `GET /v1/workers/gone` reaching the gateway's pools (docs/manager-api.md), with the REAL
/// esb-manager and REAL workers (see `InvokerManagerHarness`).
@Suite(.serialized, .timeLimit(.minutes(5))) struct InvokerGoneWorkersTests {
    /// A worker removed with `docker rm -f` leaves the pool without any request finding it dead and without a
    /// heartbeat (the invoker's maintenance loop is not even started, and no heartbeat is sent meanwhile).
    @Test func aWorkerRemovedBehindTheBoxsBackLeavesThePoolWithoutAHeartbeat() async throws {
        try #require(
            await InvokerManagerHarness.dockerReady(), "dockerd with esb-test/echo:latest (tests-e2e/setup.sh)")
        let box = try await InvokerManagerHarness(maxConcurrency: 2)
        let invoker = box.invoker(heartbeatInterval: .seconds(3600))
        try await box.run {
            let first = try await box.invoke(invoker, "{}").get()
            #expect(await invoker.poolSnapshot()[box.function]?.idle == 1)
            let follower = invoker.followGoneWorkers()
            defer { follower.cancel() }
            let heartbeats = invoker.managerCallCounts()[ManagerCall(.heartbeat, .ok), default: 0]
            _ = await sh("docker rm -f \(first.workerID) >/dev/null")
            while (await invoker.poolSnapshot()[box.function]?.idle ?? 0) > 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(invoker.managerCallCounts()[ManagerCall(.heartbeat, .ok), default: 0] == heartbeats)
            // The next request leases a new worker instead of connecting to the vanished one.
            let second = try await box.invoke(invoker, "{}").get()
            #expect(second.status == 200 && second.workerID != first.workerID && second.coldStart)
            await invoker.shutdown()
        }
    }
}
