/// AWS's six-field cron (EventBridge): `Minutes Hours Day-of-month Month Day-of-week Year`, in UTC.
/// Fields accept `,` `-` `*` `/`; Day-of-month also `?` `L` `W` (`L`, `15W`, `LW`); Day-of-week `1-7` or `SUN-SAT`
/// (1 = Sunday) and `?` `L` `#` (`6L` = last Friday, `2#1` = first Monday); months `1-12` or `JAN-DEC`; years
/// 1970–2199. One of Day-of-month and Day-of-week must be `?` (AWS's rule). Pure: `next(after:)` takes the instant.
public struct CronExpression: Sendable, Equatable {
    public enum DayOfMonth: Sendable, Equatable {
        case any
        case days(Set<Int>)
        /// `L`, or `L-n`? (not in AWS) — the last day of the month.
        case last
        /// `nW`: the weekday (Mon–Fri) nearest day n, within the month.
        case nearestWeekday(Int)
        /// `LW`: the last weekday of the month.
        case lastWeekday
    }

    public enum DayOfWeek: Sendable, Equatable {
        case any
        case days(Set<Int>)
        /// `nL`: the last weekday n of the month.
        case last(Int)
        /// `n#k`: the k-th weekday n of the month.
        case nth(Int, Int)
    }

    public var minutes: Set<Int>
    public var hours: Set<Int>
    public var dayOfMonth: DayOfMonth
    public var months: Set<Int>
    public var dayOfWeek: DayOfWeek
    public var years: Set<Int>

    static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    /// Parses the inside of `cron(...)`.
    public init(parsing text: String) throws(ScheduleExpressionError) {
        let fields = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard fields.count == 6 else {
            throw ScheduleExpressionError(
                "cron needs 6 fields (minutes hours day-of-month month day-of-week year), found \(fields.count)")
        }
        minutes = try Self.set(fields[0], name: "minutes", 0...59)
        hours = try Self.set(fields[1], name: "hours", 0...23)
        months = try Self.set(fields[3], name: "month", 1...12, names: Self.monthNames)
        years = try Self.set(fields[5], name: "year", 1970...2199)
        dayOfMonth = try Self.dayOfMonth(fields[2])
        dayOfWeek = try Self.dayOfWeek(fields[4])
        switch (dayOfMonth, dayOfWeek) {
        case (.any, .any):
            throw ScheduleExpressionError("day-of-month and day-of-week cannot both be '?'")
        case (.any, _), (_, .any):
            break
        default:
            throw ScheduleExpressionError("one of day-of-month and day-of-week must be '?'")
        }
    }

    /// The first instant strictly after `epochMillis` (milliseconds since the epoch) that the expression matches,
    /// on a whole minute; nil when there is none before 2200.
    public func next(after epochMillis: Int64) -> Int64? {
        let startMinute = epochMillis >= 0 ? epochMillis / 60_000 + 1 : (epochMillis - 59_999) / 60_000 + 1
        var day = Int(startMinute / 1440)
        var minuteOfDay = Int(startMinute % 1440)
        let sortedHours = hours.sorted(), sortedMinutes = minutes.sorted()
        while true {
            let (y, m, d) = CivilTime.date(days: day)
            if y > 2199 { return nil }
            if !years.contains(y) {
                // Jump to the next year that matches.
                guard let nextYear = years.filter({ $0 > y }).min() else { return nil }
                day = CivilTime.days(year: nextYear, month: 1, day: 1)
                minuteOfDay = 0
                continue
            }
            if months.contains(m), matchesDay(year: y, month: m, day: d, days: day) {
                for h in sortedHours where h * 60 + 59 >= minuteOfDay {
                    for mi in sortedMinutes where h * 60 + mi >= minuteOfDay {
                        return (Int64(day) * 1440 + Int64(h * 60 + mi)) * 60_000
                    }
                }
            }
            day += 1
            minuteOfDay = 0
        }
    }

    func matchesDay(year: Int, month: Int, day: Int, days: Int) -> Bool {
        let length = CivilTime.daysIn(month: month, year: year)
        switch dayOfMonth {
        case .any: break
        case .days(let set): return set.contains(day)
        case .last: return day == length
        case .nearestWeekday(let n): return day == Self.nearestWeekday(to: min(n, length), year: year, month: month)
        case .lastWeekday: return day == Self.nearestWeekday(to: length, year: year, month: month)
        }
        let weekday = CivilTime.weekday(days: days)
        switch dayOfWeek {
        case .any: return true
        case .days(let set): return set.contains(weekday)
        case .last(let w): return weekday == w && day + 7 > length
        case .nth(let w, let k): return weekday == w && (day - 1) / 7 + 1 == k
        }
    }

    /// The Monday–Friday day nearest `n` without leaving the month (Quartz's `W`).
    static func nearestWeekday(to n: Int, year: Int, month: Int) -> Int {
        let length = CivilTime.daysIn(month: month, year: year)
        let weekday = CivilTime.weekday(days: CivilTime.days(year: year, month: month, day: n))
        switch weekday {
        case 7: return n == 1 ? 3 : n - 1  // Saturday → Friday, or Monday the 3rd
        case 1: return n == length ? n - 2 : n + 1  // Sunday → Monday, or Friday before
        default: return n
        }
    }

    static func set(_ field: String, name: String, _ range: ClosedRange<Int>, names: [String] = [])
        throws(ScheduleExpressionError) -> Set<Int>
    {
        var out = Set<Int>()
        for part in field.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !part.isEmpty else { throw ScheduleExpressionError("\(name): empty list item in '\(field)'") }
            var base = part, step = 1
            if let slash = part.firstIndex(of: "/") {
                base = String(part[..<slash])
                guard let s = Int(part[part.index(after: slash)...]), s > 0 else {
                    throw ScheduleExpressionError("\(name): bad step in '\(part)'")
                }
                step = s
            }
            let lower: Int, upper: Int
            if base == "*" {
                (lower, upper) = (range.lowerBound, range.upperBound)
            } else if let dash = base.firstIndex(of: "-") {
                lower = try value(String(base[..<dash]), name: name, range, names: names)
                upper = try value(String(base[base.index(after: dash)...]), name: name, range, names: names)
            } else {
                lower = try value(base, name: name, range, names: names)
                // `5/15`: from 5 to the end in steps of 15.
                upper = part.contains("/") ? range.upperBound : lower
            }
            guard lower <= upper else { throw ScheduleExpressionError("\(name): range '\(base)' goes backwards") }
            for v in stride(from: lower, through: upper, by: step) { out.insert(v) }
        }
        return out
    }

    static func value(_ text: String, name: String, _ range: ClosedRange<Int>, names: [String])
        throws(ScheduleExpressionError) -> Int
    {
        if let i = names.firstIndex(of: text.uppercased()) { return i + range.lowerBound }
        guard let v = Int(text), range.contains(v) else {
            throw ScheduleExpressionError("\(name): '\(text)' is not in \(range.lowerBound)-\(range.upperBound)")
        }
        return v
    }

    static func dayOfMonth(_ field: String) throws(ScheduleExpressionError) -> DayOfMonth {
        switch field.uppercased() {
        case "?": return .any
        case "L": return .last
        case "LW": return .lastWeekday
        default: break
        }
        if field.uppercased().hasSuffix("W") {
            guard let n = Int(field.dropLast()), (1...31).contains(n) else {
                throw ScheduleExpressionError("day-of-month: bad 'W' form '\(field)'")
            }
            return .nearestWeekday(n)
        }
        return .days(try set(field, name: "day-of-month", 1...31))
    }

    static func dayOfWeek(_ field: String) throws(ScheduleExpressionError) -> DayOfWeek {
        let upper = field.uppercased()
        if upper == "?" { return .any }
        if upper == "L" { return .last(7) }
        if upper.hasSuffix("L") {
            return .last(try value(String(upper.dropLast()), name: "day-of-week", 1...7, names: dayNames))
        }
        if let hash = upper.firstIndex(of: "#") {
            let day = try value(String(upper[..<hash]), name: "day-of-week", 1...7, names: dayNames)
            guard let k = Int(upper[upper.index(after: hash)...]), (1...5).contains(k) else {
                throw ScheduleExpressionError("day-of-week: bad '#' form '\(field)'")
            }
            return .nth(day, k)
        }
        return .days(try set(upper, name: "day-of-week", 1...7, names: dayNames))
    }
}

/// Why a schedule expression was refused.
public struct ScheduleExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
