import BoxCore
import Testing

struct FlightError: Error, Equatable {
    var id: Int
}

/// An actor owning a `SingleFlight`, as the Gateway's pools do; counts how often the shared work really runs.
actor FlightOwner {
    let flights = SingleFlight<String, Int>()
    var started = 0

    /// Runs the key's work (or joins it). The work waits until `expectedWaiters` others have joined, so the test
    /// knows that they really overlapped, then succeeds with the run number or throws `FlightError(run)`.
    func work(_ key: String, expectedWaiters: Int, fail: Bool) async throws -> Int {
        try await flights.run(key) {
            started += 1
            let run = started
            // Bounded, so that a broken SingleFlight fails the test instead of hanging it.
            var spins = 0
            while flights.waiterCount(for: key) < expectedWaiters, spins < 1_000_000 {
                spins += 1
                await Task.yield()
            }
            if fail { throw FlightError(id: run) }
            return run
        }
    }

    func inFlight(_ key: String) -> Bool { flights.isInFlight(key) }
}

/// `SingleFlight` with real concurrency (task groups): shared values, shared errors, fresh runs afterwards.
struct CacheSingleFlightTests {
    @Test(arguments: [2, 10, 100])
    func concurrentCallersShareOneValue(callers: Int) async throws {
        let owner = FlightOwner()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<callers {
                group.addTask { try await owner.work("fn", expectedWaiters: callers - 1, fail: false) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == Array(repeating: 1, count: callers))
        #expect(await owner.started == 1)
        #expect(await owner.inFlight("fn") == false)
    }

    @Test func concurrentCallersShareOneError() async {
        let owner = FlightOwner()
        let outcomes = await withTaskGroup(of: Result<Int, FlightError>.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    do {
                        return .success(try await owner.work("fn", expectedWaiters: 19, fail: true))
                    } catch let e as FlightError {
                        return .failure(e)
                    } catch {
                        return .failure(FlightError(id: -1))
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.count == 20)
        #expect(outcomes.allSatisfy { $0 == .failure(FlightError(id: 1)) })
        #expect(await owner.started == 1)
    }

    @Test func aCallAfterCompletionStartsANewRun() async throws {
        let owner = FlightOwner()
        #expect(try await owner.work("fn", expectedWaiters: 0, fail: false) == 1)
        await #expect(throws: FlightError(id: 2)) { try await owner.work("fn", expectedWaiters: 0, fail: true) }
        #expect(try await owner.work("fn", expectedWaiters: 0, fail: false) == 3)
        #expect(await owner.started == 3)
    }

    @Test func differentKeysRunIndependently() async throws {
        let owner = FlightOwner()
        let results = try await withThrowingTaskGroup(of: (String, Int).self) { group in
            for key in ["a", "b", "a", "b"] {
                group.addTask { (key, try await owner.work(key, expectedWaiters: 1, fail: false)) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0, default: []].append($1.1) }
        }
        #expect(await owner.started == 2)
        #expect(Set(results["a"]!).count == 1 && results["a"]!.count == 2)
        #expect(Set(results["b"]!).count == 1 && results["b"]!.count == 2)
        #expect(results["a"]![0] != results["b"]![0])
    }
}
