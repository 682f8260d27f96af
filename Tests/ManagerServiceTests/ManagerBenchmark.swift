import BoxCore
import DockerEngine
import Foundation
import Testing
@testable import ManagerService

/// Benchmark, not a test: prints figures and asserts nothing about time. Runs only with `ESB_BENCH=1`:
///
///     ESB_BENCH=1 swift test --filter ManagerBenchmark
///
/// Measures, on the real dockerd with the `esb-test/echo` fixture: a cold lease (create + start + ready, through
/// the Manager API in-process), its Docker steps one by one, a resume from pause, a warm lease, and the first and
/// a warm invocation through the RIE for comparison.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ManagerBenchmark {
    static let rounds = Int(ProcessInfo.processInfo.environment["ESB_BENCH_ROUNDS"] ?? "") ?? 10

    @Test(.enabled(if: ProcessInfo.processInfo.environment["ESB_BENCH"] == "1"))
    func workerTimings() async throws {
        let fn = ManagerHarness.uniqueFunction("bench")
        // No pause tier by default: the benchmark pauses explicitly.
        try await ManagerHarness(functions: [ManagerHarness.echo(fn, maxConcurrency: 64)]).run {
            (h: ManagerHarness) async throws in
            var cold: [Double] = [], warm: [Double] = [], resume: [Double] = [], firstInvoke: [Double] = [],
                warmInvoke: [Double] = []
            var create: [Double] = [], start: [Double] = [], ready: [Double] = [], pause: [Double] = [],
                unpause: [Double] = []
            for _ in 0..<Self.rounds {
                var t = ContinuousClock.now
                let worker = try #require(await h.lease(fn).json?["workers"]?[0])
                cold.append(Self.ms(since: t))
                let id = try #require(worker["id"]?.stringValue)
                let host = try #require(worker["host"]?.stringValue)
                t = ContinuousClock.now
                _ = try await h.invoke(host: host, port: 8080, payload: "{}")
                firstInvoke.append(Self.ms(since: t))
                t = ContinuousClock.now
                _ = try await h.invoke(host: host, port: 8080, payload: "{}")
                warmInvoke.append(Self.ms(since: t))

                _ = await h.heartbeat(released: [id])
                t = ContinuousClock.now
                _ = await h.lease(fn)
                warm.append(Self.ms(since: t))

                // Resume from pause: pause as the idle scan would, release, lease again.
                _ = await h.heartbeat(released: [id])
                await h.service.workers.pauseForBenchmark(id)
                t = ContinuousClock.now
                let again = await h.lease(fn)
                resume.append(Self.ms(since: t))
                #expect(again.json?["workers"]?[0]?["state"]?.stringValue == "resumed")
                _ = await h.call("DELETE", "/v1/workers/\(id)")
            }
            // The Docker steps of a cold start, one by one, with the same container spec.
            let blueprint = try #require(await h.service.workers.blueprints[fn])
            for _ in 0..<Self.rounds {
                var t = ContinuousClock.now
                let id = try await h.docker.createContainer(
                    name: blueprint.newContainerName(), spec: blueprint.containerSpec)
                create.append(Self.ms(since: t))
                t = ContinuousClock.now
                try await h.docker.startContainer(id)
                start.append(Self.ms(since: t))
                t = ContinuousClock.now
                let ip = try await h.docker.inspectContainer(id).networks[ManagerHarness.network]?.ipAddress ?? ""
                _ = await ReadinessProbe.waitUntilAccepting(host: ip, port: 8080, timeout: .seconds(20))
                ready.append(Self.ms(since: t))
                t = ContinuousClock.now
                try await h.docker.pauseContainer(id)
                pause.append(Self.ms(since: t))
                t = ContinuousClock.now
                try await h.docker.unpauseContainer(id)
                unpause.append(Self.ms(since: t))
                try await h.docker.removeContainer(id, force: true)
            }
            print("== esb-manager benchmark (\(Self.rounds) rounds, milliseconds: median / min / max)")
            for (name, values) in [
                ("cold lease: create+start+ready (API)", cold), ("  docker create", create), ("  docker start", start),
                ("  inspect + RIE port accepts", ready), ("first invoke via RIE", firstInvoke),
                ("warm invoke via RIE", warmInvoke), ("warm lease (API)", warm),
                ("resume lease: unpause (API)", resume),
                ("  docker pause", pause), ("  docker unpause", unpause),
            ] {
                let label = name.padding(toLength: 40, withPad: " ", startingAt: 0)
                print(
                    label
                        + String(format: "%8.1f %8.1f %8.1f", Self.median(values), values.min() ?? 0, values.max() ?? 0)
                )
            }
        }
    }

    static func ms(since t: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - t
        return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.isEmpty ? 0 : s[s.count / 2]
    }
}

extension WorkerManager {
    /// Pauses a released worker as the idle scan does (benchmark only: no waiting for PAUSE_IDLE_SECONDS).
    func pauseForBenchmark(_ id: String) async {
        guard table.workers[id]?.state == .running, table.workers[id]?.isLeased == false else { return }
        table.workers[id]?.state = .pausing
        await perform(.pause(id))
    }
}
