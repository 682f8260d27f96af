import Testing
@testable import ManagerService

/// The lease/idle state machine with an injected clock: `now` is passed explicitly, nothing sleeps.
@Suite(.timeLimit(.minutes(5))) struct WorkerTableTests {
    static let idle = IdlePolicy(leaseTimeout: .seconds(30), pauseAfter: .seconds(10), stopAfter: .seconds(60))
    static let gw1 = WorkerRecord.Holder.gateway("gw1")

    static func table(max: Int = 4, minWarm: Int = 0, idle: IdlePolicy = idle) -> WorkerTable {
        var table = WorkerTable(idle: idle)
        table.apply(policies: ["f": FunctionPolicy(configHash: "h1", maxConcurrency: max, minWarm: minWarm)])
        return table
    }

    /// Reserves and "starts" `n` workers leased to the gateway at `now`; returns their ids.
    static func startLeased(_ n: Int, in table: inout WorkerTable, now: Duration, prefix: String = "c") -> [String] {
        let reservation = table.reserve(function: "f", count: n, holder: Self.gw1, now: now)!
        return reservation.create.enumerated().map { i, key in
            let id = "\(prefix)\(i)"
            table.started(placeholder: key, id: id, name: "esb-f-\(i)", host: "10.0.0.\(i)", port: 8080, now: now)
            return id
        }
    }

    @Test func unknownFunctionReservesNothing() {
        var table = Self.table()
        #expect(table.reserve(function: "nope", count: 1, holder: Self.gw1, now: .zero) == nil)
    }

    @Test func manyConcurrentRequestsNeverExceedMaxConcurrency() {
        var table = Self.table(max: 4)
        var placeholders: [String] = []
        var limited = 0
        // 20 callers arrive before any cold start finishes: reservations happen before any Docker await.
        for _ in 0..<20 {
            let r = table.reserve(function: "f", count: 1, holder: Self.gw1, now: .zero)!
            placeholders += r.create
            if r.limitReached { limited += 1 }
        }
        #expect(placeholders.count == 4)
        #expect(limited == 16)
        #expect(table.workers(of: "f").count == 4)
    }

    @Test func countIsCappedByTheLimitAndReported() {
        var table = Self.table(max: 3)
        let r = table.reserve(function: "f", count: 5, holder: Self.gw1, now: .zero)!
        #expect(r.create.count == 3 && r.limitReached)
    }

    @Test func releasedWarmWorkersComeFirstMostRecentlyUsedFirstThenPausedThenNew() {
        var table = Self.table(max: 4)
        let ids = Self.startLeased(3, in: &table, now: .zero)
        _ = table.heartbeat(from: "gw1", leased: [], released: [ids[0]], now: .seconds(1))
        _ = table.heartbeat(from: "gw1", leased: [], released: [ids[1]], now: .seconds(2))
        _ = table.heartbeat(from: "gw1", leased: [], released: [ids[2]], now: .seconds(3))
        // Pause the oldest one through the idle scan (released 10 s ago at t=11).
        #expect(table.tick(now: .seconds(11)) == [.pause(ids[0])])
        #expect(table.paused(ids[0]) == false)
        let r = table.reserve(function: "f", count: 4, holder: Self.gw1, now: .seconds(12))!
        #expect(r.warm.map(\.key) == [ids[2], ids[1]])
        #expect(r.resume == [ids[0]])
        #expect(r.create.count == 1)
        #expect(!r.limitReached)
        #expect(table.workers[ids[0]]?.state == .resuming)
    }

    @Test func aLeaseLapsesWithoutHeartbeatAndTheIdleClockStartsThen() {
        var table = Self.table()
        let id = Self.startLeased(1, in: &table, now: .zero)[0]
        #expect(table.tick(now: .seconds(29)).isEmpty)
        #expect(table.workers[id]?.isLeased == true)
        #expect(table.tick(now: .seconds(30)).isEmpty)
        #expect(table.workers[id]?.isLeased == false)
        // Released at 30: paused at 40, removed at 90.
        #expect(table.tick(now: .seconds(39)).isEmpty)
        #expect(table.tick(now: .seconds(40)) == [.pause(id)])
        _ = table.paused(id)
        #expect(table.tick(now: .seconds(89)).isEmpty)
        #expect(table.tick(now: .seconds(90)) == [.remove(id)])
        #expect(table.workers[id]?.state == .stopping)
    }

    @Test func aLeaseHeldByHeartbeatsIsNeverPausedOrStopped() {
        var table = Self.table()
        let id = Self.startLeased(1, in: &table, now: .zero)[0]
        // A ten-minute invocation: heartbeats every 10 s keep the lease.
        for t in stride(from: 10, through: 600, by: 10) {
            let outcome = table.heartbeat(from: "gw1", leased: [id], released: [], now: .seconds(t))
            #expect(outcome.revoked.isEmpty)
            #expect(table.tick(now: .seconds(t) + .seconds(5)).isEmpty)
        }
        #expect(table.workers[id]?.state == .running)
        _ = table.heartbeat(from: "gw1", leased: [], released: [id], now: .seconds(600))
        #expect(table.tick(now: .seconds(660)) == [.remove(id)])
    }

    @Test func withoutAPauseTierIdleWorkersAreRemovedAtTheIdleTimeout() {
        var table = Self.table(idle: IdlePolicy(leaseTimeout: .seconds(30), pauseAfter: nil, stopAfter: .seconds(3)))
        let id = Self.startLeased(1, in: &table, now: .zero)[0]
        _ = table.heartbeat(from: "gw1", leased: [], released: [id], now: .seconds(1))
        #expect(table.tick(now: .milliseconds(3999)).isEmpty)
        #expect(table.nextDeadline() == .seconds(4))
        #expect(table.tick(now: .seconds(4)) == [.remove(id)])
    }

    @Test func unknownAndDeadIdsAreRevoked() {
        var table = Self.table()
        let id = Self.startLeased(1, in: &table, now: .zero)[0]
        table.forget(id)
        let outcome = table.heartbeat(from: "gw1", leased: [id, "never-seen"], released: ["gone"], now: .seconds(1))
        #expect(Set(outcome.revoked) == [id, "never-seen", "gone"])
    }

    @Test func aConfigChangeRetiresWorkersAfterTheirLease() {
        var table = Self.table()
        let ids = Self.startLeased(2, in: &table, now: .zero)
        _ = table.heartbeat(from: "gw1", leased: [ids[0]], released: [ids[1]], now: .seconds(1))
        table.apply(policies: ["f": FunctionPolicy(configHash: "h2", maxConcurrency: 4, minWarm: 0)])
        // The released one goes at the next scan; the leased one is revoked at the next heartbeat ...
        #expect(table.tick(now: .seconds(2)) == [.remove(ids[1])])
        var outcome = table.heartbeat(from: "gw1", leased: [ids[0]], released: [], now: .seconds(3))
        #expect(outcome.revoked == [ids[0]] && outcome.remove.isEmpty)
        // ... never handed out again, and removed once the gateway stops listing it (invocation over).
        let r = table.reserve(function: "f", count: 1, holder: Self.gw1, now: .seconds(4))!
        #expect(r.warm.isEmpty && r.create.count == 1)
        outcome = table.heartbeat(from: "gw1", leased: [], released: [], now: .seconds(13))
        #expect(outcome.remove == [ids[0]])
    }

    @Test func aRemovedFunctionRetiresItsWorkers() {
        var table = Self.table()
        let id = Self.startLeased(1, in: &table, now: .zero)[0]
        _ = table.heartbeat(from: "gw1", leased: [], released: [id], now: .seconds(1))
        table.apply(policies: [:])
        #expect(table.tick(now: .seconds(2)) == [.remove(id)])
    }

    @Test func adoptedWorkersGoToTheFirstGatewayThatListsThem() {
        var table = Self.table()
        table.adopt(
            id: "a", name: "esb-f-a", function: "f", hash: "h1", host: "h", port: 8080, paused: false, now: .zero)
        table.adopt(
            id: "b", name: "esb-f-b", function: "f", hash: "h1", host: "h", port: 8080, paused: true, now: .zero)
        table.adopt(
            id: "old", name: "esb-f-o", function: "f", hash: "h0", host: "h", port: 8080, paused: false, now: .zero)
        // Not handed out while a gateway may still hold them.
        let before = table.reserve(function: "f", count: 1, holder: Self.gw1, now: .seconds(1))!
        #expect(before.warm.isEmpty && before.resume.isEmpty)
        table.startFailed(placeholder: before.create[0])
        // gw1 still holds "b" (paused meanwhile: resumed) and not "a".
        let outcome = table.heartbeat(from: "gw1", leased: ["b"], released: [], now: .seconds(2))
        #expect(outcome.resume == ["b"] && outcome.revoked.isEmpty)
        #expect(table.workers["b"]?.holder == Self.gw1)
        // "a" may belong to a gateway whose first heartbeat is still to come: it stays held ...
        #expect(table.workers["a"]?.holder == .adoption)
        #expect(table.reserve(function: "f", count: 1, holder: Self.gw1, now: .seconds(3))!.warm.isEmpty)
        // ... and that gateway claims it; gw1 listing it afterwards does not take it over.
        #expect(table.heartbeat(from: "gw2", leased: ["a"], released: [], now: .seconds(4)).revoked.isEmpty)
        #expect(table.workers["a"]?.holder == .gateway("gw2"))
        #expect(table.heartbeat(from: "gw1", leased: ["a", "b"], released: [], now: .seconds(5)).revoked == ["a"])
        #expect(table.workers["a"]?.holder == .gateway("gw2"))
        #expect(table.workers["old"]?.retired == true)
    }

    @Test func unclaimedAdoptedWorkersAreReleasedWhenTheHoldLapsesOrTheirGatewayReleasesThem() {
        var table = Self.table(idle: IdlePolicy(leaseTimeout: .seconds(30), pauseAfter: nil, stopAfter: .seconds(600)))
        table.adopt(
            id: "a", name: "esb-f-a", function: "f", hash: "h1", host: "h", port: 8080, paused: false, now: .zero)
        table.adopt(
            id: "b", name: "esb-f-b", function: "f", hash: "h1", host: "h", port: 8080, paused: false, now: .zero)
        // A gateway that released "b" just before the manager restarted reports it now.
        _ = table.heartbeat(from: "gw1", leased: [], released: ["b"], now: .seconds(1))
        #expect(table.workers["b"]?.isLeased == false)
        _ = table.heartbeat(from: "gw2", leased: [], released: [], now: .seconds(10))
        #expect(table.workers["a"]?.holder == .adoption)
        _ = table.tick(now: .seconds(30))
        #expect(table.workers["a"]?.isLeased == false)
        #expect(
            table.reserve(function: "f", count: 2, holder: Self.gw1, now: .seconds(31))!.warm.map(\.key) == ["a", "b"])
    }

    /// Who holds a worker before gw1's heartbeat lists it → whether gw1 is told to drop it, and who holds it after.
    @Test(arguments: [
        (WorkerRecord.Holder.gateway("gw1"), false, WorkerRecord.Holder.gateway("gw1")),
        (.gateway("gw2"), true, .gateway("gw2")),
        (.adoption, false, .gateway("gw1")),
        (.none, false, .gateway("gw1")),
        (.ensure, true, .ensure),
    ])
    func aHeartbeatTakesOnlyItsOwnOrUnclaimedWorkers(
        before: WorkerRecord.Holder, revoked: Bool, after: WorkerRecord.Holder
    ) {
        var table = Self.table()
        let id = Self.startLeased(1, in: &table, now: .zero)[0]
        table.workers[id]?.holder = before
        table.workers[id]?.leaseExpiry = before == .none ? nil : .seconds(30)
        let outcome = table.heartbeat(from: "gw1", leased: [id], released: [], now: .seconds(10))
        #expect(outcome.revoked == (revoked ? [id] : []))
        #expect(outcome.heldByOthers == outcome.revoked)
        #expect(table.workers[id]?.holder == after)
        // Another caller's lease is neither renewed nor shortened by gw1.
        #expect(table.workers[id]?.leaseExpiry == (revoked ? .seconds(30) : .seconds(40)))
    }

    @Test func aSecondGatewayCannotReleaseRenewOrRetireTheFirstOnesWorkers() {
        var table = Self.table()
        let ids = Self.startLeased(2, in: &table, now: .zero)
        // gw2 (started later, it saw them in GET /v1/workers) lists one and releases the other: no effect.
        let outcome = table.heartbeat(from: "gw2", leased: [ids[0]], released: [ids[1]], now: .seconds(5))
        #expect(outcome.revoked == [ids[0]])
        #expect(
            ids.allSatisfy { table.workers[$0]?.holder == Self.gw1 && table.workers[$0]?.leaseExpiry == .seconds(30) })
        #expect(table.reserve(function: "f", count: 2, holder: .gateway("gw2"), now: .seconds(6))!.warm.isEmpty)
        // A config change retires both; gw1 is told in its heartbeat. gw2's heartbeats never end gw1's use.
        table.apply(policies: ["f": FunctionPolicy(configHash: "h2", maxConcurrency: 4, minWarm: 0)])
        #expect(table.heartbeat(from: "gw1", leased: ids, released: [], now: .seconds(7)).revoked == ids)
        #expect(table.heartbeat(from: "gw2", leased: [], released: [], now: .seconds(8)).remove.isEmpty)
        #expect(table.tick(now: .seconds(9)).isEmpty)
        // gw1 stops listing them once their invocations are over: now they go.
        #expect(Set(table.heartbeat(from: "gw1", leased: [], released: [], now: .seconds(10)).remove) == Set(ids))
    }

    @Test func aLapsedLeaseIsRetakenByItsGatewayOnlyIfNobodyElseTookIt() {
        var table = Self.table()
        let ids = Self.startLeased(2, in: &table, now: .zero)
        // gw1 could not reach the manager for longer than the lease timeout (it kept serving meanwhile).
        _ = table.tick(now: .seconds(30))
        #expect(ids.allSatisfy { table.workers[$0]?.isLeased == false })
        let taken = table.reserve(function: "f", count: 1, holder: .gateway("gw2"), now: .seconds(31))!.warm.map(\.key)
        #expect(taken.count == 1)
        let outcome = table.heartbeat(from: "gw1", leased: ids, released: [], now: .seconds(32))
        #expect(outcome.revoked == taken)
        #expect(table.workers[taken[0]]?.holder == .gateway("gw2"))
        let other = ids.first { $0 != taken[0] }!
        #expect(table.workers[other]?.holder == Self.gw1)
    }

    @Test func adoptionHoldsLapseAfterTheLeaseTimeoutWithoutAGateway() {
        var table = Self.table()
        table.adopt(
            id: "a", name: "esb-f-a", function: "f", hash: "h1", host: "h", port: 8080, paused: false, now: .zero)
        _ = table.tick(now: .seconds(30))
        #expect(table.workers["a"]?.isLeased == false)
    }

    @Test func minWarmWorkersAreStartedAndNeverIdledAway() {
        var table = Self.table(max: 4, minWarm: 2)
        let actions = table.tick(now: .zero)
        #expect(actions.count == 2)
        for (i, action) in actions.enumerated() {
            guard case .create(let function, let placeholder) = action else {
                Issue.record("expected create, got \(action)")
                continue
            }
            #expect(function == "f")
            #expect(table.workers[placeholder]?.isLeased == false)
            table.started(placeholder: placeholder, id: "w\(i)", name: "esb-f-w\(i)", host: "h", port: 8080, now: .zero)
        }
        // Hours later they are still there, unpaused, and nothing more is created.
        #expect(table.tick(now: .seconds(7200)).isEmpty)
        #expect(table.workers.values.allSatisfy { $0.state == .running })
        // Under load a third worker joins; once all are released, only the one beyond min_warm idles away.
        let r = table.reserve(function: "f", count: 3, holder: Self.gw1, now: .seconds(7200))!
        #expect(r.warm.count == 2 && r.create.count == 1)
        table.started(placeholder: r.create[0], id: "x0", name: "esb-f-x0", host: "h", port: 8080, now: .seconds(7200))
        _ = table.heartbeat(from: "gw1", leased: [], released: ["w0", "w1", "x0"], now: .seconds(7201))
        let later = table.tick(now: .seconds(7211))
        #expect(later.count == 1)
        guard case .pause(let paused) = later.first else {
            Issue.record("expected one pause, got \(later)")
            return
        }
        #expect(table.paused(paused) == false)
        #expect(table.workers.values.filter { $0.state == .running }.count == 2)
    }

    @Test func minWarmResumesAPausedWorkerBeforeCreating() {
        var table = Self.table(max: 4, minWarm: 1)
        let id = Self.startLeased(1, in: &table, now: .zero)[0]
        table.workers[id]?.state = .paused
        table.workers[id]?.holder = .none
        #expect(table.tick(now: .seconds(1)) == [.resume(id)])
        _ = table.resumed(id, now: .seconds(1))
        #expect(table.workers[id]?.state == .running && table.workers[id]?.isLeased == false)
    }

    @Test func aWorkerLeasedWhilePausingIsResumedAtOnce() {
        var table = Self.table()
        let id = Self.startLeased(1, in: &table, now: .zero)[0]
        _ = table.heartbeat(from: "gw1", leased: [], released: [id], now: .zero)
        #expect(table.tick(now: .seconds(10)) == [.pause(id)])
        // The gateway re-lists it (e.g. after a manager restart) while docker pause is in flight.
        _ = table.heartbeat(from: "gw1", leased: [id], released: [], now: .seconds(10))
        #expect(table.paused(id) == true)
        #expect(table.workers[id]?.state == .resuming)
    }

    @Test func startedPlaceholdersKeepTheirHolder() {
        var table = Self.table()
        let r = table.reserve(function: "f", count: 1, holder: .ensure, now: .zero)!
        let record = table.started(
            placeholder: r.create[0], id: "e", name: "esb-f-e", host: "h", port: 1, now: .seconds(1))
        #expect(record?.holder == .ensure && record?.leaseExpiry == .seconds(31))
        #expect(table.renewEnsureLease(function: "f", now: .seconds(5))?.key == "e")
    }
}
