import HTTP1
import Testing
@testable import GatewayService

/// `FunctionInvoker` end to end over in-process stand-ins of esb-manager and the RIE (see `StandInPeers`), with a
/// manual clock: concurrency, the retry rule, heartbeats, TTL, a Manager that is down.
@Suite(.timeLimit(.minutes(5))) struct InvokerTests {
    let peers = StandInPeers()
    let clock = ManualClock()
    let invoker: FunctionInvoker
    static let echo = PoolFunctionSpec(name: "echo", maxConcurrency: 4, timeout: .seconds(3), revision: "r1")

    init() {
        var configuration = InvokerConfiguration(managerURL: StandInPeers.managerURL, managerToken: "token")
        configuration.clock = clock
        configuration.gatewayID = "gw-a"
        invoker = FunctionInvoker(configuration: configuration, transport: peers)
    }

    func invoke(_ spec: PoolFunctionSpec = echo, id: String = "req") async -> Result<
        InvocationOutcome, InvocationFailure
    > {
        do {
            return .success(
                try await invoker.invoke(spec, payload: Array("{}".utf8), requestID: id, traceID: "Root=1-x"))
        } catch { return .failure(error) }
    }

    @Test func sixteenConcurrentInvocationsNeverOverlapOnAWorker() async {
        let results = await withTaskGroup(of: Result<InvocationOutcome, InvocationFailure>.self) { group in
            for i in 0..<16 { group.addTask { await invoke(id: "r\(i)") } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let ok = results.compactMap { try? $0.get() }
        #expect(ok.count == 16)
        peers.state.withLock { s in
            #expect(s.overlaps == 0)
            #expect(s.lastWorker <= 4)
            #expect(Set(s.invocations.compactMap(\.requestID)).count == 16)
        }
        #expect(ok.filter(\.coldStart).count == Set(ok.map(\.workerID)).count)
        let stats = await invoker.poolSnapshot()["echo"]
        #expect(stats?.busy == 0 && stats?.waiting == 0 && (stats?.idle ?? 0) >= 1)
    }

    @Test func aWarmRequestMakesNoManagerCall() async throws {
        let first = try await invoke().get()
        let calls = peers.state.withLock { $0.acquireCalls.count }
        let second = try await invoke().get()
        #expect(first.coldStart && !second.coldStart)
        #expect(first.workerID == second.workerID)
        #expect(peers.state.withLock { $0.acquireCalls.count } == calls)
        #expect(invoker.managerCallCounts() == [ManagerCall(.acquire, .ok): UInt64(calls)])
    }

    @Test func requestsBeyondTheLimitWaitThenAreThrottled() async throws {
        let one = PoolFunctionSpec(name: "echo", maxConcurrency: 1, timeout: .seconds(3))
        peers.state.withLock { $0.defaultBehaviour = .gated }
        async let first = invoke(one)
        await eventually("first invocation in the RIE") { peers.gatedCount == 1 }
        async let second = invoke(one)
        await eventually("second request waiting") { clock.sleeperCount == 1 }
        clock.advance(by: .seconds(10))
        #expect(await second == .failure(.throttled))
        peers.openGate()
        #expect(try await first.get().status == 200)
    }

    @Test func anUnreachableWorkerIsDroppedAndTheRequestRetriedOnAnother() async throws {
        peers.state.withLock { $0.behaviour["w1.test"] = .fail(.notSent("connection refused")) }
        let outcome = try await invoke().get()
        #expect(outcome.workerID == "w2")
        await eventually("delete of w1") { peers.state.withLock { $0.deletes == ["w1"] } }
    }

    @Test func twoUnreachableWorkersFailTheRequest() async {
        peers.state.withLock { $0.defaultBehaviour = .fail(.notSent("connection refused")) }
        guard case .failure(.workerFailed) = await invoke() else { Issue.record("expected workerFailed"); return }
        await eventually("both deleted") { peers.state.withLock { Set($0.deletes) == ["w1", "w2"] } }
    }

    @Test func aWorkerThatBreaksAfterDeliveryFailsTheRequestAndIsReplaced() async throws {
        peers.state.withLock { $0.behaviour["w1.test"] = .fail(.sentThenFailed("reset by peer")) }
        guard case .failure(.workerFailed) = await invoke() else { Issue.record("expected workerFailed"); return }
        await eventually("delete of w1") { peers.state.withLock { $0.deletes == ["w1"] } }
        #expect(try await invoke().get().workerID == "w2")
    }

    @Test func noAnswerWithinTheTimeoutIsFunctionTimedOutAndTheWorkerDeleted() async {
        peers.state.withLock { $0.behaviour["w1.test"] = .fail(.timedOut(sent: true)) }
        #expect(await invoke() == .failure(.functionTimedOut))
        await eventually("delete of w1") { peers.state.withLock { $0.deletes == ["w1"] } }
    }

    @Test func theRIEsOwnTimeoutAnswerKeepsTheWorkerAndTheNextRunIsCold() async throws {
        peers.state.withLock {
            $0.behaviour["w1.test"] = .answer(status: 200, body: "Task timed out after 3.00 seconds")
        }
        #expect(await invoke() == .failure(.functionTimedOut))
        peers.state.withLock { $0.behaviour["w1.test"] = nil }
        let next = try await invoke().get()
        #expect(next.workerID == "w1" && next.coldStart)
        #expect(peers.state.withLock { $0.deletes.isEmpty })
    }

    @Test func heartbeatsRenewLeasesAndRevokedWorkersAreDropped() async throws {
        _ = try await invoke().get()
        peers.state.withLock { $0.revokeNext = ["w1"] }
        await invoker.maintain()
        #expect(peers.state.withLock { $0.heartbeats.last?.leased } == ["w1"])
        #expect(try await invoke().get().workerID == "w2")
        clock.advance(by: .seconds(10))
        await invoker.maintain()
        #expect(peers.state.withLock { $0.heartbeats.last?.leased } == ["w2"])
    }

    @Test func whileTheManagerIsDownLeasedWorkersKeepServing() async throws {
        _ = try await invoke().get()
        peers.state.withLock { $0.managerUp = false }
        clock.advance(by: .seconds(10))
        await invoker.maintain()  // heartbeat fails: logged, nothing dropped
        #expect(invoker.managerCallCounts()[ManagerCall(.heartbeat, .failed)] == 1)
        #expect(try await invoke().get().workerID == "w1")
        let other = PoolFunctionSpec(name: "other", maxConcurrency: 1, timeout: .seconds(3))
        guard case .failure(.managerUnavailable) = await invoke(other) else { Issue.record("expected 503"); return }
    }

    @Test func unknownFunctionsAndMissingImagesAreReported() async {
        peers.state.withLock { $0.missingImages["broken"] = "broken:latest" }
        let broken = PoolFunctionSpec(name: "broken", maxConcurrency: 1, timeout: .seconds(3))
        #expect(await invoke(broken) == .failure(.imageMissing("broken:latest")))
        let unknown = PoolFunctionSpec(name: "unknown", maxConcurrency: 1, timeout: .seconds(3))
        #expect(await invoke(unknown) == .failure(.unknownFunction("unknown")))
    }

    @Test func aManagerThatHandsOutNothingMeansThrottled() async {
        let none = PoolFunctionSpec(name: "none", maxConcurrency: 1, timeout: .seconds(3))
        peers.state.withLock { $0.maxConcurrency["none"] = 0 }
        // limit_reached with no worker: the request waits its full acquire timeout, retrying after the backoff.
        async let r = invoke(none)
        await eventually("waiting") { clock.sleeperCount >= 1 }
        clock.advance(by: .seconds(10))
        #expect(await r == .failure(.throttled))
        // One call, then one retry when the 250 ms backoff passed (the clock jumped 10 s at once): no hot loop.
        #expect(peers.state.withLock { $0.acquireCalls.count } <= 2)
    }

    @Test func unusedWorkersAreReleasedAfterTheTTL() async throws {
        _ = try await invoke().get()
        clock.advance(by: .seconds(29))
        await invoker.maintain()
        #expect(peers.state.withLock { $0.heartbeats.last?.released } == [])
        clock.advance(by: .seconds(1))
        await invoker.maintain()
        await eventually("release sent") { peers.state.withLock { $0.heartbeats.contains { $0.released == ["w1"] } } }
        #expect(await invoker.poolSnapshot()["echo"]?.leased ?? 0 == 0)
    }

    @Test func startTakesOverLeasedWorkersSoTheFirstRequestIsWarm() async throws {
        peers.state.withLock {
            $0.listed = [
                ManagerWorker(
                    id: "old1", host: "old1.test", port: 8080, state: "running", function: "echo", leased: true,
                    holder: "gw-a")
            ]
            $0.leased["old1"] = "echo"
        }
        await invoker.updateFunctions([Self.echo])
        await invoker.start()
        #expect(peers.state.withLock { $0.heartbeats.first?.leased } == ["old1"])
        let outcome = try await invoke().get()
        #expect(outcome.workerID == "old1" && !outcome.coldStart)
        #expect(peers.state.withLock { $0.acquireCalls.isEmpty })
        await invoker.shutdown()
        #expect(peers.state.withLock { $0.heartbeats.last?.released } == ["old1"])
    }

    /// B1: two gateways on one Manager. The rebuild takes only the workers held under this gateway's own id: another
    /// gateway's (or an unclaimed, `holder: null`) worker would get overlapping invocations.
    @Test func startTakesOverOnlyWorkersHeldUnderItsOwnID() async throws {
        peers.state.withLock {
            $0.listed = [
                ManagerWorker(
                    id: "other", host: "other.test", port: 8080, state: "running", function: "echo", leased: true,
                    holder: "gw-b"),
                ManagerWorker(
                    id: "nobody", host: "nobody.test", port: 8080, state: "running", function: "echo", leased: true),
                ManagerWorker(
                    id: "mine", host: "mine.test", port: 8080, state: "running", function: "echo", leased: true,
                    holder: "gw-a"),
            ]
            $0.leased["mine"] = "echo"
        }
        await invoker.updateFunctions([Self.echo])
        await invoker.start()
        #expect(peers.state.withLock { $0.heartbeats.first?.leased } == ["mine"])
        #expect(await invoker.poolSnapshot()["echo"]?.leased == 1)
        await invoker.shutdown()
    }

    /// The Manager records leases per gateway: acquire and heartbeat carry `X-ESB-Gateway`.
    @Test func leaseAndHeartbeatCallsCarryTheGatewayID() async throws {
        _ = try await invoke().get()
        await invoker.maintain()
        let seen = peers.state.withLock { $0.gatewayHeaders }
        #expect(seen["POST acquire"]?.isEmpty == false)
        #expect(seen["POST acquire"]?.allSatisfy { $0 == "gw-a" } == true)
        #expect(seen["POST heartbeat"]?.isEmpty == false)
        #expect(seen["POST heartbeat"]?.allSatisfy { $0 == "gw-a" } == true)
    }

    @Test func aRebuildThatFailedAtStartIsRetriedByTheMaintenanceLoop() async throws {
        peers.state.withLock {
            $0.listed = [
                ManagerWorker(
                    id: "old1", host: "old1.test", port: 8080, state: "running", function: "echo", leased: true,
                    holder: "gw-a")
            ]
            $0.managerUp = false
        }
        await invoker.updateFunctions([Self.echo])
        await invoker.start()
        #expect(await invoker.poolSnapshot().isEmpty)
        peers.state.withLock { $0.managerUp = true }
        clock.advance(by: .seconds(1))
        await invoker.maintain()
        #expect(peers.state.withLock { $0.heartbeats.last?.leased } == ["old1"])
        #expect(try await invoke().get().workerID == "old1")
        await invoker.shutdown()
    }
}
