import BoxCore
import DockerEngine
import Prometheus
import Synchronization
import Telemetry

/// The Manager's Prometheus series (docs/contract.md §3.9, docs/observability.md): workers by function and state,
/// container operations (create, start, pause, unpause, stop, remove) counted and timed, Docker API errors,
/// adoptions, log lines shipped and dropped, `process_*` and `esb_manager_build_info`. Served on `GET /metrics` of
/// the `METRICS_LISTEN` listener.
public final class ManagerMetrics: Sendable {
    /// Upper bounds of the operation duration buckets, in seconds (the gateway's latency buckets).
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
    /// The states `esb_manager_workers` reports; every function has all four, zero included.
    static let workerStates = ["starting", "running", "leased", "paused"]

    let registry = PrometheusCollectorRegistry()
    private let collected = CollectedCounters()
    /// Functions whose `esb_manager_workers` series the last scrape wrote: one that is neither configured nor has
    /// a worker any more loses its series (as the gateway's pool gauges do), instead of showing its last value.
    private let exportedFunctions = Mutex<Set<String>>([])

    /// A registry with the series that exist before anything happened.
    public init(version: String? = nil) {
        ProcessMetrics.buildInfo(registry, daemon: "manager", version: version ?? DaemonCommandLine.version)
        _ = adoptions
    }

    /// Runs one Docker container operation, counting it by outcome, timing it, and counting a failure as a Docker
    /// API error.
    /// Runs in the caller's isolation (the worker actor), so `body` is never sent elsewhere.
    func timed<T>(
        _ operation: String, isolation: isolated (any Actor)? = #isolation, _ body: () async throws(DockerError) -> T
    ) async throws(DockerError) -> T {
        let start = ContinuousClock.now
        do {
            let value = try await body()
            record(operation, ok: true, seconds: start.duration(to: .now))
            return value
        } catch {
            record(operation, ok: false, seconds: start.duration(to: .now))
            throw error
        }
    }

    /// Counts `count` workers adopted by Adopt & Sync.
    func recordAdoptions(_ count: Int) {
        if count > 0 { adoptions.increment(by: Int64(count)) }
    }

    /// The text exposition: worker gauges from `workers` (every function of `functions` listed, zeros included) and
    /// the log sink's shipped and dropped lines, read now.
    func render(workers: [WorkerRecord], functions: [String], sink: LogSink) -> String {
        var counts: [String: [String: Int]] = [:]
        for name in functions { counts[name] = [:] }
        for record in workers {
            guard let state = Self.state(of: record) else { continue }
            counts[record.function, default: [:]][state, default: 0] += 1
        }
        let gone = exportedFunctions.withLock { exported in
            defer { exported = Set(counts.keys) }
            return exported.subtracting(counts.keys)
        }
        for function in gone {
            for state in Self.workerStates { registry.unregisterGauge(workerGauge(function, state)) }
        }
        for (function, states) in counts {
            for state in Self.workerStates { workerGauge(function, state).set(Double(states[state] ?? 0)) }
        }
        collected.update(
            registry.counter("esb_manager_log_lines_shipped_total", help: "Log lines VictoriaLogs accepted."),
            key: "shipped", total: Int64(sink.shippedLines))
        collected.update(
            registry.counter(
                "esb_manager_log_lines_dropped_total", help: "Log lines dropped because a buffer was full."),
            key: "dropped", total: Int64(sink.droppedLines))
        ProcessMetrics.update(registry, collected: collected)
        return registry.emitToString()
    }

    /// `starting`, `paused`, `leased` (running and held by a gateway or `ensure`), `running` (idle); nil while it
    /// is being stopped.
    static func state(of record: WorkerRecord) -> String? {
        switch record.state {
        case .starting: "starting"
        case .paused, .pausing: "paused"
        case .running, .resuming: record.isLeased ? "leased" : "running"
        case .stopping: nil
        }
    }

    private func workerGauge(_ function: String, _ state: String) -> Gauge {
        registry.gauge(
            "esb_manager_workers", help: "Workers by function and state.",
            labels: [("function", function), ("state", state)])
    }

    private var adoptions: Counter {
        registry.counter(
            "esb_manager_adoptions_total", help: "Workers adopted from Docker at start or after a reconnect.")
    }

    private func record(_ operation: String, ok: Bool, seconds: Duration) {
        registry.counter(
            "esb_manager_container_operations_total", help: "Container operations by kind and outcome.",
            labels: [("operation", operation), ("outcome", ok ? "ok" : "error")]
        ).increment()
        let c = seconds.components
        registry.histogram(
            "esb_manager_container_operation_duration_seconds", help: "Duration of container operations.",
            labels: [("operation", operation)], buckets: Self.buckets
        ).record(Double(c.seconds) + Double(c.attoseconds) / 1e18)
        if !ok {
            registry.counter(
                "esb_manager_docker_errors_total", help: "Docker API calls that failed, by operation.",
                labels: [("operation", operation)]
            ).increment()
        }
    }
}
