/// An EventBridge schedule expression: `rate(value unit)` or `cron(six fields)` (docs/async-invocations.md).
public enum ScheduleExpression: Sendable, Equatable {
    /// Every `seconds`, counted from when the schedule was loaded.
    case rate(seconds: Int64)
    case cron(CronExpression)

    public init(parsing text: String) throws(ScheduleExpressionError) {
        let t = String(text.trimmingBlanks())
        if t.hasPrefix("rate("), t.hasSuffix(")") {
            self = .rate(seconds: try Self.rate(String(t.dropFirst(5).dropLast())))
        } else if t.hasPrefix("cron("), t.hasSuffix(")") {
            self = .cron(try CronExpression(parsing: String(t.dropFirst(5).dropLast())))
        } else {
            throw ScheduleExpressionError("expected rate(...) or cron(...), found '\(text)'")
        }
    }

    /// `1 minute`, `5 minutes`, `1 hour`, `2 hours`, `1 day`, `7 days`: AWS wants the singular exactly for 1.
    static func rate(_ inside: String) throws(ScheduleExpressionError) -> Int64 {
        let parts = inside.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, let n = Int64(parts[0]), n > 0 else {
            throw ScheduleExpressionError("rate needs a positive whole number and a unit, found '\(inside)'")
        }
        let unit = String(parts[1])
        let seconds: Int64
        switch unit {
        case "minute", "minutes": seconds = 60
        case "hour", "hours": seconds = 3600
        case "day", "days": seconds = 86_400
        default: throw ScheduleExpressionError("rate unit must be minute(s), hour(s) or day(s), found '\(unit)'")
        }
        guard (n == 1) == !unit.hasSuffix("s") else {
            throw ScheduleExpressionError(
                "rate(\(inside)): use the singular unit for 1 and the plural otherwise, as AWS does")
        }
        return n * seconds
    }

    /// The next firing strictly after `now`; `origin` is when a rate schedule started counting.
    public func next(after now: Int64, origin: Int64) -> Int64? {
        switch self {
        case .cron(let c): return c.next(after: now)
        case .rate(let seconds):
            let period = seconds * 1000
            guard now >= origin else { return origin + period }
            return origin + ((now - origin) / period + 1) * period
        }
    }
}
