import BoxCore
import Testing
@testable import GatewayService

/// When schedules fire (docs/async-invocations.md), driven by an injected clock: every instant is a parameter.
@Suite(.timeLimit(.minutes(5))) struct SchedulePlanTests {
    static func schedule(_ name: String, _ expression: String, enabled: Bool = true, input: String? = nil) throws
        -> ScheduleConfig
    {
        ScheduleConfig(
            name: name, function: "f", expressionText: expression,
            expression: try ScheduleExpression(parsing: expression),
            input: input, enabled: enabled)
    }

    @Test func aOneMinuteRateFiresEveryMinuteFromItsLoadAndKeepsItsPhaseAcrossReloads() throws {
        var plan = SchedulePlan()
        let t0: Int64 = 1_800_000_000_000 + 12_345
        plan.load([try Self.schedule("tick", "rate(1 minute)")], now: t0)
        #expect(plan.due(now: t0 + 59_999).isEmpty)
        #expect(plan.due(now: t0 + 60_000).map(\.scheduledAt) == [t0 + 60_000])
        #expect(plan.due(now: t0 + 60_001).isEmpty)
        // A reload with the same expression (new input) keeps the phase; the new input is used.
        plan.load([try Self.schedule("tick", "rate(1 minute)", input: #"{"v":2}"#)], now: t0 + 90_000)
        let fire = plan.due(now: t0 + 120_000)
        #expect(fire.map(\.scheduledAt) == [t0 + 120_000])
        #expect(fire.first?.config.input == #"{"v":2}"#)
        // Disabled: never again.
        plan.load([try Self.schedule("tick", "rate(1 minute)", enabled: false)], now: t0 + 130_000)
        #expect(plan.due(now: t0 + 10 * 60_000).isEmpty)
        #expect(plan.earliest == nil)
    }

    @Test func missedTicksAreNotReplayed() throws {
        var plan = SchedulePlan()
        plan.load([try Self.schedule("c", "cron(0/5 * * * ? *)")], now: 0)
        #expect(plan.due(now: 60 * 60_000).map(\.scheduledAt) == [5 * 60_000])  // an hour late: one firing
        let earliest: Int64? = plan.earliest
        #expect(earliest == Int64(65 * 60_000))
    }

    @Test func theScheduledEventPayloadIsEventBridgesShape() throws {
        let json = try JSONValue(
            parsing: ScheduledEventPayload.json(
                name: "nightly", scheduledAt: 1_800_000_000_123, region: "ap-northeast-1", id: "id-1"))
        #expect(json["version"] == "0")
        #expect(json["id"] == "id-1")
        #expect(json["detail-type"] == "Scheduled Event")
        #expect(json["source"] == "aws.events")
        #expect(json["account"] == "000000000000")
        #expect(json["time"] == "2027-01-15T08:00:00Z")
        #expect(json["region"] == "ap-northeast-1")
        #expect(json["resources"]?[0] == "arn:aws:events:ap-northeast-1:000000000000:rule/nightly")
        #expect(json["detail"]?.objectValue?.isEmpty == true)
    }
}

/// Gauges are written as Doubles by swift-prometheus (`7.0`); Prometheus reads both forms.
@Suite(.timeLimit(.minutes(5))) struct EventMetricsTests {
    @Test func queueGaugesAttemptsAndDeadRecordsAreExported() {
        let m = EventMetrics()
        m.recordAttempt(function: "f", outcome: "function_error")
        m.recordAttempt(function: "f", outcome: "function_error")
        m.recordAttempt(function: "f", outcome: "success")
        m.recordDead(function: "f")
        let text = m.render(
            EventMetrics.Gauges(queued: 7, oldestAgeSeconds: 1.5, spoolBytes: 4096, spoolFsyncs: 3, spoolAdmitted: 9))
        for line in [
            "esb_gateway_events_queued 7.0", "esb_gateway_events_oldest_age_seconds 1.5",
            "esb_gateway_event_attempts_total{function=\"f\",outcome=\"function_error\"} 2",
            "esb_gateway_event_attempts_total{function=\"f\",outcome=\"success\"} 1",
            "esb_gateway_events_dead_total{function=\"f\"} 1", "esb_gateway_event_spool_bytes 4096.0",
            "esb_gateway_event_spool_fsyncs_total 3", "esb_gateway_event_spool_admitted_total 9",
        ] {
            #expect(text.split(separator: "\n").contains(Substring(line)), "\(line)")
        }
    }
}
