import Prometheus
import Telemetry

/// Counters of asynchronous invocations (docs/async-invocations.md): attempts by function and outcome, dead
/// records by function, on swift-prometheus's registry (docs/observability.md). The queue gauges are read from
/// the dispatcher and the spool at scrape time.
final class EventMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let collected = CollectedCounters()

    init() {
        // Registers every series, so the first scrape shows them at zero.
        _ = render(Gauges(queued: 0, oldestAgeSeconds: 0, spoolBytes: 0, spoolFsyncs: 0, spoolAdmitted: 0))
    }

    func recordAttempt(function: String, outcome: String) {
        registry.counter(
            "esb_gateway_event_attempts_total", help: "Attempts of asynchronous events by function and outcome.",
            labels: [("function", function), ("outcome", outcome)]
        ).increment()
    }

    func recordDead(function: String) {
        registry.counter(
            "esb_gateway_events_dead_total", help: "Asynchronous events written to the dead-record folder.",
            labels: [("function", function)]
        ).increment()
    }

    struct Gauges {
        var queued: Int
        var oldestAgeSeconds: Double
        var spoolBytes: Int
        var spoolFsyncs: UInt64
        var spoolAdmitted: UInt64
    }

    func render(_ g: Gauges) -> String {
        registry.gauge("esb_gateway_events_queued", help: "Asynchronous events accepted and not finished.").set(
            Double(g.queued))
        registry.gauge("esb_gateway_events_oldest_age_seconds", help: "Age of the oldest queued asynchronous event.")
            .set(g.oldestAgeSeconds)
        registry.gauge("esb_gateway_event_spool_bytes", help: "Bytes of the event spool's segment files.").set(
            Double(g.spoolBytes))
        let fsyncs = registry.counter(
            "esb_gateway_event_spool_fsyncs_total", help: "Group commits (one fdatasync each) of the event spool.")
        collected.update(fsyncs, key: "fsyncs", total: Int64(g.spoolFsyncs))
        let admitted = registry.counter("esb_gateway_event_spool_admitted_total", help: "Events written to the spool.")
        collected.update(admitted, key: "admitted", total: Int64(g.spoolAdmitted))
        return registry.emitToString()
    }
}
