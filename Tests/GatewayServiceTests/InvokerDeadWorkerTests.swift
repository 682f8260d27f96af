import ESBTestSupport
import Testing
@testable import GatewayService

/// A worker removed behind the box's back (`docker rm -f`): with the REAL esb-manager, dockerd and RIE containers
/// (see `InvokerManagerHarness`), the next request succeeds on another worker, and the vanished one costs at most
/// the worker connect timeout (docs/gateway-pools.md, "Dead workers"). The time is printed, not asserted.
@Suite(.serialized, .timeLimit(.minutes(5))) struct InvokerDeadWorkerTests {
    @Test func aWorkerRemovedBehindTheBoxsBackIsDroppedAndTheNextRequestSucceeds() async throws {
        try #require(
            await InvokerManagerHarness.dockerReady(), "dockerd with esb-test/echo:latest (tests-e2e/setup.sh)")
        let harness = try await InvokerManagerHarness(maxConcurrency: 2)
        try await harness.run {
            let invoker = harness.invoker(workerConnectTimeout: .milliseconds(100))
            // Two warm workers first: two requests at once until both workers are leased, idle, and have each
            // served a request (a worker that joined after both requests were served would still be fresh, and
            // its first request a cold start). Then one more request: it leaves the most recently used worker.
            func bothWarm() -> Bool {
                invoker.state.withLock { s in
                    let slots = s.registry.pools[harness.spec.name]?.slots ?? []
                    return slots.count == 2 && slots.allSatisfy { !$0.fresh && $0.inFlight == 0 }
                }
            }
            for _ in 0..<200 where !bothWarm() {
                let stats = await invoker.poolSnapshot()[harness.function]
                if (stats?.coming ?? 0) == 0 {
                    async let a = harness.invoke(invoker, "{}")
                    async let b = harness.invoke(invoker, "{}")
                    _ = await (a, b)
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let both = invoker.state.withLock { s in s.registry.pools[harness.spec.name]?.slots.map(\.worker.id) ?? [] }
            try #require(Set(both).count == 2, "two workers leased")
            let doomed = try await harness.invoke(invoker, #"{"n":3}"#).get().workerID
            let survivor = both.first { $0 != doomed }!

            _ = await sh("docker rm -f \(doomed) >/dev/null 2>&1")
            // The pool hands out the most recently used worker: the removed one. Its connect times out, the worker
            // is dropped and the request goes to the other, warm one.
            let started = ContinuousClock.now
            let next = try await harness.invoke(invoker, #"{"n":4}"#).get()
            let elapsed = ContinuousClock.now - started
            let warmStarted = ContinuousClock.now
            _ = try await harness.invoke(invoker, #"{"n":5}"#).get()
            let warmCall = ContinuousClock.now - warmStarted
            print(
                "vanished worker: the next request took \(elapsed) (a warm call: \(warmCall); WORKER_CONNECT_TIMEOUT 100 ms)"
            )
            #expect(next.status == 200)
            #expect(next.workerID == survivor && !next.coldStart)
            let pooled = invoker.state.withLock { s in s.registry.pools[harness.spec.name]?.slots.map(\.worker.id) ?? []
            }
            #expect(!pooled.contains(doomed), "the vanished worker is gone from the pool")
            await invoker.shutdown()
        }
    }
}
