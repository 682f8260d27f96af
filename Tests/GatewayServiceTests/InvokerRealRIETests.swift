import HTTP1
import Testing
@testable import GatewayService

/// `FunctionInvoker` against REAL Lambda RIE containers (`esb-test/echo:latest`, built by tests-e2e/setup.sh) over
/// the Reactor's real HTTP client; esb-manager is stood in by `DockerWorkersStandIn` (docker CLI). Needs dockerd.
@Suite(.serialized) struct InvokerRealRIETests {
    static func invoker(_ peers: DockerWorkersStandIn, acquireTimeout: Duration = .seconds(20)) -> FunctionInvoker {
        var configuration = InvokerConfiguration(managerURL: "http://manager.test:8081", managerToken: "token")
        configuration.acquireTimeout = acquireTimeout
        configuration.invokeMargin = .seconds(2)
        return FunctionInvoker(configuration: configuration, transport: peers)
    }

    static func run(
        _ invoker: FunctionInvoker, _ spec: PoolFunctionSpec, _ payload: String, id: String = "req"
    ) async -> Result<InvocationOutcome, InvocationFailure> {
        do { return .success(try await invoker.invoke(spec, payload: Array(payload.utf8), requestID: id, traceID: "")) }
        catch { return .failure(error) }
    }

    @Test func sixteenConcurrentOnFourWorkersAllSucceedAndNoContainerExits() async throws {
        try #require(await DockerWorkersStandIn.dockerReady(), "dockerd with esb-test/echo:latest (tests-e2e/setup.sh)")
        let peers = DockerWorkersStandIn(maxConcurrency: 4)
        let invoker = Self.invoker(peers)
        let spec = PoolFunctionSpec(name: "echo", maxConcurrency: 4, timeout: .seconds(30))
        let results = await withTaskGroup(of: Result<InvocationOutcome, InvocationFailure>.self) { group in
            for i in 0..<16 { group.addTask { await Self.run(invoker, spec, #"{"sleep": 0.2}"#, id: "req-\(i)") } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let states = await peers.containerStates()
        await invoker.shutdown()
        await peers.removeAll()
        let outcomes = results.compactMap { try? $0.get() }
        #expect(outcomes.count == 16, "failures: \(results.filter { (try? $0.get()) == nil })")
        #expect(outcomes.allSatisfy { $0.status == 200 })
        // The function saw the gateway's request id as its own (X-Amzn-RequestId).
        #expect(outcomes.allSatisfy { String(decoding: $0.body, as: UTF8.self).contains("req-") })
        #expect(states.count <= 4 && !states.isEmpty)
        #expect(states.values.allSatisfy { $0 == "running" }, "\(states)")
    }

    @Test func twoHundredConcurrentOnTwoWorkersEitherSucceedOrAreThrottled() async throws {
        try #require(await DockerWorkersStandIn.dockerReady(), "dockerd with esb-test/echo:latest (tests-e2e/setup.sh)")
        let peers = DockerWorkersStandIn(maxConcurrency: 2)
        let invoker = Self.invoker(peers, acquireTimeout: .seconds(1))
        let spec = PoolFunctionSpec(name: "echo", maxConcurrency: 2, timeout: .seconds(30))
        let results = await withTaskGroup(of: Result<InvocationOutcome, InvocationFailure>.self) { group in
            for _ in 0..<200 { group.addTask { await Self.run(invoker, spec, #"{"sleep": 0.05}"#) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let states = await peers.containerStates()
        await invoker.shutdown()
        await peers.removeAll()
        let ok = results.filter { (try? $0.get())?.status == 200 }.count
        let throttled = results.filter { $0 == .failure(.throttled) }.count
        print("200 concurrent, max_concurrency 2, 1 s acquire timeout: \(ok) succeeded, \(throttled) throttled")
        #expect(ok + throttled == 200)
        #expect(ok >= 2 && throttled >= 1)
        #expect(states.count == 2 && states.values.allSatisfy { $0 == "running" }, "\(states)")
    }

    @Test func aWorkerKilledMidInvocationFailsThatRequestAndTheNextOneSucceeds() async throws {
        try #require(await DockerWorkersStandIn.dockerReady(), "dockerd with esb-test/echo:latest (tests-e2e/setup.sh)")
        let peers = DockerWorkersStandIn(maxConcurrency: 1)
        let invoker = Self.invoker(peers)
        let spec = PoolFunctionSpec(name: "echo", maxConcurrency: 1, timeout: .seconds(30))
        async let slow = Self.run(invoker, spec, #"{"sleep": 10}"#)
        await eventually("the invocation is running") {
            peers.state.withLock { !$0.created.isEmpty }
        }
        let victim = peers.state.withLock { $0.created[0] }
        _ = await sh("sleep 1; docker kill \(victim) >/dev/null")
        let killed = await slow
        guard case .failure(.workerFailed) = killed else {
            Issue.record("expected workerFailed, got \(killed)")
            await peers.removeAll()
            return
        }
        let next = await Self.run(invoker, spec, "{}")
        let deletes = peers.state.withLock { $0.deletes }
        await invoker.shutdown()
        await peers.removeAll()
        #expect((try? next.get())?.status == 200)
        #expect((try? next.get())?.workerID != victim)
        #expect(deletes.contains(victim))
    }

    @Test func theRIEsOwnTimeoutIs504AndTheWorkerServesTheNextCall() async throws {
        try #require(await DockerWorkersStandIn.dockerReady(), "dockerd with esb-test/echo:latest (tests-e2e/setup.sh)")
        let peers = DockerWorkersStandIn(maxConcurrency: 1, functionTimeout: 1)
        let invoker = Self.invoker(peers)
        let spec = PoolFunctionSpec(name: "echo", maxConcurrency: 1, timeout: .seconds(1))
        let first = await Self.run(invoker, spec, "{}")
        let timedOut = await Self.run(invoker, spec, #"{"sleep": 3}"#)
        let after = await Self.run(invoker, spec, "{}")
        let states = await peers.containerStates()
        await invoker.shutdown()
        await peers.removeAll()
        #expect(timedOut == .failure(.functionTimedOut))
        let a = try #require(try? after.get())
        #expect(a.status == 200 && a.coldStart && a.workerID == (try? first.get())?.workerID)
        #expect(states.values.allSatisfy { $0 == "running" })
    }
}
