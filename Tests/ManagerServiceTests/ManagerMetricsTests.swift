import ESBTestSupport
import BoxCore
import DockerEngine
import HTTP1
import Telemetry
import Testing
@testable import ManagerService

/// The Manager's `/metrics` (docs/observability.md, docs/contract.md §3.9) after real Docker work.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ManagerMetricsTests {
    static func value(_ text: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
        PrometheusSample.parse(text).first { $0.name == name && $0.labels == labels }?.value
    }

    @Test func workersOperationsAndProcessSeriesFollowALeaseAndItsRelease() async throws {
        let fn = ManagerHarness.uniqueFunction("metrics")
        try await ManagerHarness(functions: [ManagerHarness.echo(fn)]).run { (h: ManagerHarness) async throws in
            let response = await h.service.metricsResponse()
            #expect(response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8")
            let before = String(decoding: response.body, as: UTF8.self)
            #expect(Self.value(before, "esb_manager_workers", ["function": fn, "state": "leased"]) == 0)
            #expect(Self.value(before, "esb_manager_adoptions_total") == 0)
            #expect(Self.value(before, "esb_manager_build_info", ["version": DaemonCommandLine.version]) == 1)
            #expect((Self.value(before, "process_open_fds") ?? 0) > 0)
            #expect((Self.value(before, "process_resident_memory_bytes") ?? 0) > 0)
            #expect(Self.value(before, "esb_manager_log_lines_dropped_total") == 0)

            let lease = await h.lease(fn)
            #expect(lease.status == 201)
            let id = try #require(lease.json?["workers"]?[0]?["id"]?.stringValue)
            let leased = String(decoding: await h.service.metricsResponse().body, as: UTF8.self)
            #expect(Self.value(leased, "esb_manager_workers", ["function": fn, "state": "leased"]) == 1)
            #expect(
                Self.value(leased, "esb_manager_container_operations_total", ["operation": "create", "outcome": "ok"])
                    == 1)
            #expect(
                Self.value(leased, "esb_manager_container_operations_total", ["operation": "start", "outcome": "ok"])
                    == 1)
            #expect(
                Self.value(leased, "esb_manager_container_operation_duration_seconds_count", ["operation": "create"])
                    == 1)

            _ = await h.heartbeat(released: [id])
            let released = String(decoding: await h.service.metricsResponse().body, as: UTF8.self)
            #expect(Self.value(released, "esb_manager_workers", ["function": fn, "state": "leased"]) == 0)
            #expect(Self.value(released, "esb_manager_workers", ["function": fn, "state": "running"]) == 1)
        }
    }

    /// A function removed by a reload loses its `esb_manager_workers` series once its last worker is gone, like the
    /// gateway's pool gauges (docs/observability.md): before, the series stayed at its last value (here: 1 leased)
    /// for the life of the process, so a dashboard showed a worker that no longer existed.
    @Test func aRemovedFunctionsWorkerSeriesGoWithItsLastWorker() async throws {
        let kept = ManagerHarness.uniqueFunction("metrics-kept")
        let removed = ManagerHarness.uniqueFunction("metrics-removed")
        let functions = [ManagerHarness.echo(kept), ManagerHarness.echo(removed)]
        try await ManagerHarness(functions: functions).run { (h: ManagerHarness) async throws in
            let id = try #require(await h.lease(removed).json?["workers"]?[0]?["id"]?.stringValue)
            func scrape() async -> String { String(decoding: await h.service.metricsResponse().body, as: UTF8.self) }
            #expect(Self.value(await scrape(), "esb_manager_workers", ["function": removed, "state": "leased"]) == 1)
            await h.service.reload(FunctionsConfig(functions: [ManagerHarness.echo(kept)]))
            // Still leased: the worker finishes its invocation, and is still counted.
            #expect(Self.value(await scrape(), "esb_manager_workers", ["function": removed, "state": "leased"]) == 1)
            #expect(await h.heartbeat(leased: [id]) == [id])  // revoked: retired by the reload
            _ = await h.heartbeat(released: [id])
            try await waitUntil("the retired worker to be removed") { await h.inspect(id) == nil }
            try await waitUntil("the removed function's series to go") {
                !(await scrape()).contains("function=\"\(removed)\"")
            }
            let text = await scrape()
            #expect(Self.value(text, "esb_manager_workers", ["function": kept, "state": "running"]) == 0)
        }
    }

    @Test func aFailedOperationIsCountedAsADockerError() async {
        let metrics = ManagerMetrics()
        let failure: DockerError? = await {
            do {
                try await metrics.timed("pause") { () async throws(DockerError) in
                    throw DockerError(.conflict, status: 409, message: "container is not running")
                }
                return nil
            } catch let error as DockerError {
                return error
            } catch {
                return nil
            }
        }()
        #expect(failure?.code == .conflict)
        let text = metrics.registry.emitToString()
        #expect(
            Self.value(text, "esb_manager_container_operations_total", ["operation": "pause", "outcome": "error"]) == 1)
        #expect(Self.value(text, "esb_manager_docker_errors_total", ["operation": "pause"]) == 1)
    }

    @Test func metricsListenIsOffUnlessSetAndChecked() throws {
        #expect(try ManagerSettings(environment: [:]).metricsListen == nil)
        #expect(
            try ManagerSettings(environment: ["METRICS_LISTEN": "127.0.0.1:9101"]).metricsListen
                == .tcp(host: "127.0.0.1", port: 9101))
        do {
            _ = try ManagerSettings(environment: ["METRICS_LISTEN": "nowhere"])
            Issue.record("METRICS_LISTEN=nowhere was accepted")
        } catch {
            #expect(error.problems == ["METRICS_LISTEN=nowhere: expected host:port or unix:///path"])
        }
    }
}
