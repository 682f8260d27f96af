import Testing
@testable import GatewayService

/// The pool state machine of §3.7, driven step by step with explicit instants (no clock, no sleeps).
@Suite(.timeLimit(.minutes(5))) struct PoolStateTests {
    static let fn = PoolFunctionSpec(name: "echo", maxConcurrency: 4, timeout: .seconds(3), revision: "r1")

    static func worker(_ n: Int) -> ManagerWorker {
        ManagerWorker(id: "w\(n)", name: "esb-echo-\(n)", host: "10.0.0.\(n)", port: 8080, state: "new")
    }

    static func reply(_ ids: [Int], limit: Bool = false) -> Result<ManagerAcquireReply, ManagerClientError> {
        .success(ManagerAcquireReply(workers: ids.map(worker), limitReached: limit))
    }

    var state = PoolRegistryState(maxFunctions: 8, ttl: .seconds(30), limitRetryDelay: .milliseconds(250))

    func requests(_ effects: [PoolEffect]) -> [Int] {
        effects.compactMap { if case .requestWorkers(_, let n) = $0 { n } else { nil } }
    }

    func grants(_ effects: [PoolEffect]) -> [UInt64: String] {
        var out: [UInt64: String] = [:]
        for case .grant(let id, let g) in effects { out[id] = g.worker.id }
        return out
    }

    func failures(_ effects: [PoolEffect]) -> [UInt64: InvocationFailure] {
        var out: [UInt64: InvocationFailure] = [:]
        for case .fail(let id, let f) in effects { out[id] = f }
        return out
    }

    @Test mutating func coldThenWarmMakesNoManagerCall() {
        #expect(state.tryAcquireWarm(Self.fn, now: .zero) == nil)
        let e1 = state.enqueue(Self.fn, waiter: 1, deadline: .seconds(10), now: .zero)
        #expect(requests(e1) == [1])
        let e2 = state.managerReplied(function: "echo", requested: 1, Self.reply([1]), now: .milliseconds(300))
        #expect(grants(e2) == [1: "w1"])
        #expect(e2.contains { if case .grant(_, let g) = $0 { g.coldStart } else { false } })
        #expect(state.finish(function: "echo", workerID: "w1", .keep, now: .milliseconds(400)).isEmpty)
        let warm = state.tryAcquireWarm(Self.fn, now: .seconds(1))
        #expect(warm?.worker.id == "w1")
        #expect(warm?.coldStart == false)
        #expect(state.snapshot()["echo"] == PoolStats(busy: 1, idle: 0, waiting: 0, coming: 0))
    }

    @Test(arguments: [
        (waiting: 1, max: 4, calls: [1]), (waiting: 6, max: 4, calls: [1, 1, 1, 1]),
        (waiting: 3, max: 2, calls: [1, 1]),
    ])
    mutating func missesAskOnlyForWorkersNotAlreadyComing(waiting: Int, max: Int, calls: [Int]) {
        let spec = PoolFunctionSpec(name: "echo", maxConcurrency: max, timeout: .seconds(3))
        var asked: [Int] = []
        for id in 1...waiting {
            asked += requests(state.enqueue(spec, waiter: UInt64(id), deadline: .seconds(10), now: .zero))
        }
        #expect(asked == calls)
        #expect(state.snapshot()["echo"]?.coming == calls.reduce(0, +))
    }

    @Test mutating func afterLimitReachedOneCallAsksForAllMissing() {
        let spec = PoolFunctionSpec(name: "echo", maxConcurrency: 8, timeout: .seconds(3))
        _ = state.enqueue(spec, waiter: 1, deadline: .seconds(10), now: .zero)
        let e = state.managerReplied(
            function: "echo", requested: 1, Self.reply([], limit: true), now: .milliseconds(10))
        #expect(requests(e).isEmpty)  // still uncovered, but backing off: a retry is scheduled, no call
        #expect(e.contains(.scheduleRetry(function: "echo", at: .milliseconds(260))))
        for id in 2...5 {
            let more = state.enqueue(spec, waiter: UInt64(id), deadline: .seconds(10), now: .milliseconds(20))
            #expect(requests(more).isEmpty)
        }
        let retry = state.retryDue(function: "echo", now: .milliseconds(260))
        #expect(requests(retry) == [5])
    }

    @Test mutating func waitersAreServedFirstComeFirstServed() {
        _ = state.enqueue(Self.fn, waiter: 1, deadline: .seconds(10), now: .zero)
        _ = state.managerReplied(function: "echo", requested: 1, Self.reply([1]), now: .zero)
        // The pool is at its limit of one: later requests queue.
        let one = PoolFunctionSpec(name: "echo", maxConcurrency: 1, timeout: .seconds(3), revision: "r1")
        for id in 2...4 { _ = state.enqueue(one, waiter: UInt64(id), deadline: .seconds(10), now: .zero) }
        var order: [UInt64] = []
        for t in 1...3 {
            let e = state.finish(function: "echo", workerID: "w1", .keep, now: .seconds(Int64(t)))
            order += grants(e).keys
        }
        #expect(order == [2, 3, 4])
    }

    @Test mutating func synchronousWaitersAreServedBeforeQueuedEvents() {
        let one = PoolFunctionSpec(name: "echo", maxConcurrency: 1, timeout: .seconds(3), revision: "r1")
        _ = state.enqueue(one, waiter: 1, deadline: .seconds(10), now: .zero)
        _ = state.managerReplied(function: "echo", requested: 1, Self.reply([1]), now: .zero)
        // Two events wait, then two synchronous requests arrive: the requests get the worker first.
        for id in 2...3 {
            _ = state.enqueue(one, waiter: UInt64(id), deadline: .seconds(10), now: .zero, background: true)
        }
        for id in 4...5 { _ = state.enqueue(one, waiter: UInt64(id), deadline: .seconds(10), now: .zero) }
        var order: [UInt64] = []
        for t in 1...4 {
            order += grants(state.finish(function: "echo", workerID: "w1", .keep, now: .seconds(Int64(t)))).keys
        }
        #expect(order == [4, 5, 2, 3])
    }

    @Test mutating func neverMoreThanRIEConcurrencyOnOneWorker() {
        let two = PoolFunctionSpec(name: "echo", maxConcurrency: 1, rieConcurrency: 2, timeout: .seconds(3))
        var granted = 0
        var asked: [Int] = []
        for id in 1...3 {
            let e = state.enqueue(two, waiter: UInt64(id), deadline: .seconds(10), now: .zero)
            asked += requests(e)
            granted += grants(e).count
        }
        #expect(asked == [1])
        let e = state.managerReplied(function: "echo", requested: 1, Self.reply([1]), now: .zero)
        granted += grants(e).count
        #expect(granted == 2)
        #expect(state.snapshot()["echo"] == PoolStats(busy: 1, idle: 0, waiting: 1, coming: 0))
    }

    @Test mutating func ttlReleasesOnlyIdleWorkers() {
        _ = state.enqueue(Self.fn, waiter: 1, deadline: .seconds(10), now: .zero)
        _ = state.enqueue(Self.fn, waiter: 2, deadline: .seconds(10), now: .zero)
        _ = state.managerReplied(function: "echo", requested: 2, Self.reply([1, 2]), now: .zero)
        _ = state.finish(function: "echo", workerID: "w1", .keep, now: .seconds(1))
        #expect(state.sweep(now: .seconds(30)).isEmpty)  // 29 s unused: kept
        let e = state.sweep(now: .seconds(31))  // w1 idle 30 s; w2 busy since 0 s: never released while busy
        #expect(e == [.flushReleases])
        #expect(state.heartbeatPayload().released == ["w1"])
        #expect(state.heartbeatPayload().leased == ["w2"])
        _ = state.heartbeatSucceeded(released: ["w1"], revoked: [], now: .seconds(31))
        #expect(state.heartbeatPayload().released.isEmpty)
    }

    @Test mutating func lruEvictionReleasesIdleWorkersOfTheOldestQuietFunction() {
        var small = PoolRegistryState(maxFunctions: 2, ttl: .seconds(30), limitRetryDelay: .zero)
        for (i, name) in ["a", "b"].enumerated() {
            let spec = PoolFunctionSpec(name: name, maxConcurrency: 1, timeout: .seconds(3))
            _ = small.enqueue(spec, waiter: UInt64(i), deadline: .seconds(10), now: .seconds(Int64(i)))
            _ = small.managerReplied(function: name, requested: 1, Self.reply([i]), now: .seconds(Int64(i)))
            _ = small.finish(function: name, workerID: "w\(i)", .keep, now: .seconds(Int64(i)))
        }
        let c = PoolFunctionSpec(name: "c", maxConcurrency: 1, timeout: .seconds(3))
        let e = small.enqueue(c, waiter: 9, deadline: .seconds(10), now: .seconds(5))
        #expect(e.contains(.flushReleases))
        #expect(Set(small.pools.keys) == ["b", "c"])
        #expect(small.heartbeatPayload().released == ["w0"])
    }

    @Test mutating func revokedWorkersAreDroppedAndBusyOnesFinishFirst() {
        _ = state.enqueue(Self.fn, waiter: 1, deadline: .seconds(10), now: .zero)
        _ = state.enqueue(Self.fn, waiter: 2, deadline: .seconds(10), now: .zero)
        _ = state.managerReplied(function: "echo", requested: 2, Self.reply([1, 2]), now: .zero)
        _ = state.finish(function: "echo", workerID: "w1", .keep, now: .seconds(1))
        _ = state.heartbeatSucceeded(released: [], revoked: ["w1", "w2"], now: .seconds(2))
        #expect(state.snapshot()["echo"] == PoolStats(busy: 1, idle: 0, waiting: 0, coming: 0))
        #expect(state.tryAcquireWarm(Self.fn, now: .seconds(2)) == nil)  // w2 is busy and revoked
        _ = state.finish(function: "echo", workerID: "w2", .keep, now: .seconds(3))
        #expect(state.snapshot()["echo"] == PoolStats(busy: 0, idle: 0, waiting: 0, coming: 0))
        #expect(state.heartbeatPayload() == (leased: [], released: []))
    }

    @Test(arguments: [
        (ManagerClientError.unreachable("refused"), InvocationFailure.managerUnavailable("refused")),
        (.imageMissing("echo:latest"), .imageMissing("echo:latest")),
        (.unknownFunction("echo"), .unknownFunction("echo")),
    ])
    mutating func managerErrorsFailOnlyRequestsNoWorkerWillServe(error: ManagerClientError, expected: InvocationFailure)
    {
        _ = state.enqueue(Self.fn, waiter: 1, deadline: .seconds(10), now: .zero)
        _ = state.managerReplied(function: "echo", requested: 1, Self.reply([1]), now: .zero)
        for id in 2...4 { _ = state.enqueue(Self.fn, waiter: UInt64(id), deadline: .seconds(10), now: .zero) }
        // w1 busy with waiter 1; waiters 2-4 each asked for a worker; the first answer fails.
        let e = state.managerReplied(function: "echo", requested: 1, .failure(error), now: .zero)
        // Capacity left: w1 (once free) + 2 coming = 3 ≥ 3 waiting: nobody fails yet.
        #expect(failures(e).isEmpty)
        let e2 = state.managerReplied(function: "echo", requested: 2, .failure(error), now: .zero)
        #expect(Set(failures(e2).keys) == [3, 4])
        #expect(failures(e2).values.allSatisfy { $0 == expected })
        // While the Manager is down, the leased worker keeps serving the oldest waiter.
        #expect(grants(state.finish(function: "echo", workerID: "w1", .keep, now: .seconds(1))) == [2: "w1"])
    }

    @Test mutating func brokenWorkerIsDeletedAndReplaced() {
        _ = state.enqueue(Self.fn, waiter: 1, deadline: .seconds(10), now: .zero)
        _ = state.managerReplied(function: "echo", requested: 1, Self.reply([1]), now: .zero)
        _ = state.enqueue(Self.fn, waiter: 2, deadline: .seconds(10), now: .zero)
        let e = state.finish(function: "echo", workerID: "w1", .broken, now: .seconds(1))
        #expect(e.contains(.deleteWorker(id: "w1")))
        #expect(state.heartbeatPayload() == (leased: [], released: []))
        #expect(state.snapshot()["echo"]?.coming == 1)  // waiter 2's call; the broken worker freed no capacity
        #expect(grants(e).isEmpty)
    }

    @Test mutating func deadlinesAndCancellationRemoveWaiters() {
        _ = state.enqueue(Self.fn, waiter: 1, deadline: .seconds(10), now: .zero)
        _ = state.enqueue(Self.fn, waiter: 2, deadline: .seconds(12), now: .zero)
        #expect(failures(state.abandon(function: "echo", waiter: 1, .throttled, now: .seconds(10))) == [1: .throttled])
        #expect(state.abandon(function: "echo", waiter: 1, .throttled, now: .seconds(10)).isEmpty)
        #expect(failures(state.sweep(now: .seconds(12))) == [2: .throttled])
        // The workers asked for still arrive and wait idle for the next request.
        _ = state.managerReplied(function: "echo", requested: 2, Self.reply([1, 2]), now: .seconds(13))
        #expect(state.snapshot()["echo"] == PoolStats(busy: 0, idle: 2, waiting: 0, coming: 0))
    }

    @Test mutating func reloadRetiresChangedAndDrainsRemovedFunctions() {
        _ = state.enqueue(Self.fn, waiter: 1, deadline: .seconds(10), now: .zero)
        _ = state.enqueue(Self.fn, waiter: 2, deadline: .seconds(10), now: .zero)
        _ = state.managerReplied(function: "echo", requested: 2, Self.reply([1, 2]), now: .zero)
        _ = state.finish(function: "echo", workerID: "w1", .keep, now: .seconds(1))
        var changed = Self.fn
        changed.revision = "r2"
        _ = state.updateFunctions(["echo": changed], now: .seconds(2))
        #expect(state.heartbeatPayload() == (leased: ["w2"], released: ["w1"]))
        #expect(state.tryAcquireWarm(changed, now: .seconds(2)) == nil)
        _ = state.enqueue(Self.fn, waiter: 3, deadline: .seconds(10), now: .seconds(2))
        let removed = state.updateFunctions([:], now: .seconds(3))
        #expect(failures(removed) == [3: .unknownFunction("echo")])
        _ = state.finish(function: "echo", workerID: "w2", .keep, now: .seconds(4))
        #expect(state.heartbeatPayload() == (leased: [], released: ["w1", "w2"]))
    }

    @Test mutating func adoptionAfterRestartMakesTheFirstRequestWarm() {
        let listed = [
            ManagerWorker(
                id: "a", host: "10.0.0.1", port: 8080, state: "running", function: "echo", leased: true, holder: "gw"),
            ManagerWorker(
                id: "e", host: "10.0.0.5", port: 8080, state: "running", function: "echo", leased: true, holder: "gw-2"),
            ManagerWorker(id: "f", host: "10.0.0.6", port: 8080, state: "running", function: "echo", leased: true),
            ManagerWorker(id: "b", host: "10.0.0.2", port: 8080, state: "running", function: "echo", leased: false),
            ManagerWorker(id: "c", host: "10.0.0.3", port: 8080, state: "paused", function: "echo", leased: true),
            ManagerWorker(id: "d", host: "10.0.0.4", port: 8080, state: "running", function: "gone", leased: true),
        ]
        #expect(state.adopt(listed, holder: "gw", specs: ["echo": Self.fn], now: .zero) == ["a"])
        let g = state.tryAcquireWarm(Self.fn, now: .seconds(1))
        #expect(g?.worker.id == "a")
        #expect(g?.coldStart == false)
    }
}
