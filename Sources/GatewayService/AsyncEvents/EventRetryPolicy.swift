import BoxCore

/// AWS's retry policy for asynchronous invocations (docs/async-invocations.md): a function error is retried
/// `event_retry_attempts` times after `EVENT_RETRY_DELAYS`; a throttle or system error (no free worker, Manager
/// unreachable, worker lost) is retried with exponential backoff (1 s doubling to 5 min) until the event is
/// `event_max_age` old. Pure: every decision takes `now` (wall-clock milliseconds).
struct EventRetryPolicy: Sendable {
    /// `EVENT_RETRY_DELAYS`: the pause before retry 1, 2, ... (the last one repeats).
    var retryDelays: [Duration] = [.seconds(60), .seconds(120)]
    var backoffBase: Duration = .seconds(1)
    var backoffCap: Duration = .seconds(300)

    enum Condition: String, Sendable {
        case retriesExhausted = "RetriesExhausted", eventAgeExceeded = "EventAgeExceeded"
    }

    enum Decision: Equatable, Sendable {
        case retry(EventProgress)
        case dead(Condition, EventProgress)
    }

    /// Whether an event admitted at `enqueuedAt` may still run at `now`.
    static func isExpired(enqueuedAt: Int64, maxAgeSeconds: Int, now: Int64) -> Bool {
        now - enqueuedAt >= Int64(maxAgeSeconds) * 1000
    }

    /// After an attempt that reached the function and failed (error or timeout).
    func afterFunctionError(_ p: EventProgress, maxRetries: Int, now: Int64) -> Decision {
        var p = p
        p.invokeCount += 1
        p.functionErrors += 1
        p.backoffStep = 0
        guard p.functionErrors <= maxRetries else { return .dead(.retriesExhausted, p) }
        let delay = retryDelays.isEmpty ? .zero : retryDelays[min(p.functionErrors - 1, retryDelays.count - 1)]
        p.dueAtMillis = now + Self.millis(delay)
        return .retry(p)
    }

    /// After a throttle or a system error; `invoked` when the event may have reached the function.
    func afterSystemError(_ p: EventProgress, invoked: Bool, now: Int64) -> EventProgress {
        var p = p
        if invoked { p.invokeCount += 1 }
        var delay = backoffBase
        for _ in 0..<min(p.backoffStep, 30) where delay < backoffCap { delay = delay * 2 }
        p.backoffStep += 1
        p.dueAtMillis = now + Self.millis(min(delay, backoffCap))
        return p
    }

    static func millis(_ d: Duration) -> Int64 {
        d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }

    /// `60,120` → [60 s, 120 s]; decimals allowed (tests shorten the delays); nil when malformed.
    static func parseDelays(_ text: String) -> [Duration]? {
        let parts = text.split(separator: ",").map { String($0).trimmingASCIIWhitespace() }
        guard !parts.isEmpty else { return nil }
        var out: [Duration] = []
        for p in parts {
            guard let s = Double(p), s.isFinite, s >= 0 else { return nil }
            out.append(.milliseconds(Int64(s * 1000)))
        }
        return out
    }
}
