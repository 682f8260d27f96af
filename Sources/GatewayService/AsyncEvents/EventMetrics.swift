import Synchronization

/// Counters of asynchronous invocations (docs/async-invocations.md): attempts by function and outcome, dead
/// records by function. The queue gauges are read from the dispatcher and the spool at scrape time.
final class EventMetrics: Sendable {
    struct Key: Hashable { var function: String; var outcome: String }
    private let state = Mutex((attempts: [Key: UInt64](), dead: [String: UInt64]()))

    func recordAttempt(function: String, outcome: String) {
        state.withLock { $0.attempts[Key(function: function, outcome: outcome), default: 0] += 1 }
    }

    func recordDead(function: String) { state.withLock { $0.dead[function, default: 0] += 1 } }

    struct Gauges {
        var queued: Int
        var oldestAgeSeconds: Double
        var spoolBytes: Int
        var spoolFsyncs: UInt64
        var spoolAdmitted: UInt64
    }

    func render(_ g: Gauges) -> String {
        let s = state.withLock { $0 }
        var out = ""
        out += "# HELP esb_gateway_events_queued Asynchronous events accepted and not finished.\n"
        out += "# TYPE esb_gateway_events_queued gauge\nesb_gateway_events_queued \(g.queued)\n"
        out += "# HELP esb_gateway_events_oldest_age_seconds Age of the oldest queued asynchronous event.\n"
        out += "# TYPE esb_gateway_events_oldest_age_seconds gauge\nesb_gateway_events_oldest_age_seconds \(g.oldestAgeSeconds)\n"
        out += "# HELP esb_gateway_event_attempts_total Attempts of asynchronous events by function and outcome.\n"
        out += "# TYPE esb_gateway_event_attempts_total counter\n"
        for (k, v) in s.attempts.sorted(by: { ($0.key.function, $0.key.outcome) < ($1.key.function, $1.key.outcome) }) {
            out += "esb_gateway_event_attempts_total{function=\(GatewayMetrics.label(k.function)),outcome=\(GatewayMetrics.label(k.outcome))} \(v)\n"
        }
        out += "# HELP esb_gateway_events_dead_total Asynchronous events written to the dead-record folder.\n"
        out += "# TYPE esb_gateway_events_dead_total counter\n"
        for (f, v) in s.dead.sorted(by: { $0.key < $1.key }) {
            out += "esb_gateway_events_dead_total{function=\(GatewayMetrics.label(f))} \(v)\n"
        }
        out += "# HELP esb_gateway_event_spool_bytes Bytes of the event spool's segment files.\n"
        out += "# TYPE esb_gateway_event_spool_bytes gauge\nesb_gateway_event_spool_bytes \(g.spoolBytes)\n"
        out += "# HELP esb_gateway_event_spool_fsyncs_total Group commits (one fdatasync each) of the event spool.\n"
        out += "# TYPE esb_gateway_event_spool_fsyncs_total counter\nesb_gateway_event_spool_fsyncs_total \(g.spoolFsyncs)\n"
        out += "# HELP esb_gateway_event_spool_admitted_total Events written to the spool.\n"
        out += "# TYPE esb_gateway_event_spool_admitted_total counter\nesb_gateway_event_spool_admitted_total \(g.spoolAdmitted)\n"
        return out
    }
}
