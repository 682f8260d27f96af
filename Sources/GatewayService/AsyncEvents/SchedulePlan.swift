import BoxCore

/// When each schedule of `schedules.yml` fires next (docs/async-invocations.md, "Scheduled functions"). Pure: every
/// method takes `now` (milliseconds since the epoch), so tests drive it with an injected clock.
struct SchedulePlan: Sendable {
    struct Entry: Sendable {
        var config: ScheduleConfig
        /// When a rate schedule started counting (load or reload that introduced its expression).
        var origin: Int64
        var next: Int64?
    }

    /// A firing: the schedule and the instant it was due (the payload's `time`).
    struct Fire: Sendable {
        var config: ScheduleConfig
        var scheduledAt: Int64
    }

    private(set) var entries: [String: Entry] = [:]

    /// Takes a new `schedules.yml`: enabled schedules whose expression did not change keep their phase; new or
    /// changed ones start counting at `now`; disabled and removed ones stop.
    mutating func load(_ schedules: [ScheduleConfig], now: Int64) {
        var next: [String: Entry] = [:]
        for s in schedules where s.enabled {
            if var kept = entries[s.name], kept.config.expressionText == s.expressionText {
                kept.config = s
                next[s.name] = kept
            } else {
                next[s.name] = Entry(config: s, origin: now, next: s.expression.next(after: now, origin: now))
            }
        }
        entries = next
    }

    /// The schedules due at `now`, each once: ticks missed while the gateway was down or stalled are not replayed.
    mutating func due(now: Int64) -> [Fire] {
        var fires: [Fire] = []
        for name in entries.keys.sorted() {
            guard var e = entries[name], let at = e.next, at <= now else { continue }
            fires.append(Fire(config: e.config, scheduledAt: at))
            e.next = e.config.expression.next(after: max(at, now), origin: e.origin)
            entries[name] = e
        }
        return fires
    }

    /// The earliest next firing.
    var earliest: Int64? { entries.values.compactMap(\.next).min() }
}

/// EventBridge's `Scheduled Event` payload for one firing.
enum ScheduledEventPayload {
    static func json(name: String, scheduledAt: Int64, region: String, id: String) -> [UInt8] {
        // EventBridge writes whole seconds: 2026-12-06T19:45:00Z.
        let time = String(UTCTime(epochMilliseconds: scheduledAt / 1000 * 1000).iso8601.dropLast(5)) + "Z"
        let arn = "arn:aws:events:\(region):\(InvokeTarget.accountID):rule/\(name)"
        let text =
            "{\"version\":\"0\",\"id\":\(JSONText.quote(id)),\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\","
            + "\"account\":\"\(InvokeTarget.accountID)\",\"time\":\"\(time)\",\"region\":\(JSONText.quote(region)),"
            + "\"resources\":[\(JSONText.quote(arn))],\"detail\":{}}"
        return Array(text.utf8)
    }
}
