import Testing

@testable import BoxCore

/// The schedule expression parser and evaluator against AWS's documented EventBridge examples, with the clock
/// injected (every instant is a parameter; nothing reads the time).
@Suite struct ScheduleExpressionTests {
    /// Milliseconds since the epoch of a UTC time.
    static func at(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0) -> Int64 {
        Int64(CivilTime.days(year: y, month: mo, day: d)) * 86_400_000 + Int64(h * 3600 + mi * 60 + s) * 1000
    }

    static func next(_ expression: String, after: Int64) throws -> Int64? {
        try ScheduleExpression(parsing: expression).next(after: after, origin: 0)
    }

    // AWS's examples (EventBridge "Schedule expressions": cron), evaluated after Sunday 2026-12-06 19:45:30 UTC
    // unless the case needs another instant.
    static let awsExamples: [(expression: String, after: Int64, expected: Int64)] = [
        ("cron(0 10 * * ? *)", at(2026, 12, 6, 19, 45, 30), at(2026, 12, 7, 10, 0)),  // 10:00 every day
        ("cron(15 12 * * ? *)", at(2026, 12, 6, 12, 15), at(2026, 12, 7, 12, 15)),  // 12:15 every day, strictly after
        ("cron(0 18 ? * MON-FRI *)", at(2026, 12, 4, 18, 30), at(2026, 12, 7, 18, 0)),  // Friday evening → Monday
        ("cron(0 8 1 * ? *)", at(2026, 12, 6, 19, 45, 30), at(2027, 1, 1, 8, 0)),  // 08:00 on the 1st
        ("cron(0/15 * * * ? *)", at(2026, 12, 6, 19, 46), at(2026, 12, 6, 20, 0)),  // every 15 minutes
        ("cron(0/10 * ? * MON-FRI *)", at(2026, 12, 4, 23, 55), at(2026, 12, 7, 0, 0)),  // every 10 min, weekdays
        ("cron(0/5 8-17 ? * MON-FRI *)", at(2026, 12, 7, 17, 55), at(2026, 12, 8, 8, 0)),  // 8:00–17:55 weekdays
        ("cron(0/5 8-17 ? * MON-FRI *)", at(2026, 12, 7, 9, 2), at(2026, 12, 7, 9, 5)),
        // The first Monday of the month (Dec 1 is a Tuesday).
        ("cron(0 9 ? * 2#1 *)", at(2026, 12, 6, 19, 45, 30), at(2026, 12, 7, 9, 0)),
        ("cron(0 9 ? * 2#1 *)", at(2026, 12, 7, 9, 0), at(2027, 1, 4, 9, 0)),
        // The special characters of the same documentation.
        ("cron(0 12 L * ? *)", at(2026, 12, 6), at(2026, 12, 31, 12, 0)),  // last day of the month
        ("cron(0 12 ? * 6L *)", at(2026, 12, 6), at(2026, 12, 25, 12, 0)),  // last Friday
        ("cron(0 12 LW * ? *)", at(2026, 12, 31, 12, 0), at(2027, 1, 29, 12, 0)),  // last weekday
        ("cron(0 12 15W 5 ? *)", at(2027, 1, 1), at(2027, 5, 14, 12, 0)),  // Sat 15th → Fri 14th
        ("cron(0 12 15W 8 ? *)", at(2027, 1, 1), at(2027, 8, 16, 12, 0)),  // Sun 15th → Mon 16th
        ("cron(0 12 1W 5 ? *)", at(2027, 1, 1), at(2027, 5, 3, 12, 0)),  // Sat 1st → Mon 3rd (stays in the month)
        // The year field; Jan 1 2028 is a Saturday.
        ("cron(30 6 ? * SUN,SAT 2028)", at(2026, 12, 6, 7, 0), at(2028, 1, 1, 6, 30)),
        ("cron(0 0 29 FEB ? *)", at(2026, 12, 6), at(2028, 2, 29, 0, 0)),  // leap day
        ("cron(* * * * ? *)", at(2026, 12, 6, 23, 59, 59), at(2026, 12, 7, 0, 0)),
    ]

    @Test(arguments: awsExamples)
    func awsDocumentedExamples(expression: String, after: Int64, expected: Int64) throws {
        let got = try Self.next(expression, after: after)
        #expect(got == expected, "\(expression): \(got.map { UTCDisplay.iso($0) } ?? "nil")")
    }

    @Test func impossibleExpressionsHaveNoNextTime() throws {
        #expect(try Self.next("cron(0 0 30 FEB ? *)", after: 0) == nil)
        #expect(try Self.next("cron(0 0 1 1 ? 1999)", after: Self.at(2026, 1, 1)) == nil)
    }

    @Test(arguments: [
        "cron(0 10 * * * *)",  // neither day field is '?'
        "cron(0 10 ? * ? *)",  // both are
        "cron(0 10 * * ?)",  // five fields
        "cron(60 10 * * ? *)", "cron(0 24 * * ? *)", "cron(0 10 32 * ? *)", "cron(0 10 ? 13 * *)",
        "cron(0 10 ? * 8 *)", "cron(0 10 ? * 2#6 *)", "cron(0 10 * * ? 1969)", "cron(0/0 * * * ? *)",
        "cron(5-1 * * * ? *)", "cron(0 10 * FOO ? *)",
        "rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)", "rate(-1 minutes)", "rate(1 week)", "rate(minutes)",
        "every 5 minutes", "",
    ])
    func malformedExpressionsAreRefused(text: String) {
        #expect(throws: ScheduleExpressionError.self) { try ScheduleExpression(parsing: text) }
    }

    @Test func ratesCountFromTheirOrigin() throws {
        let origin = Self.at(2026, 12, 6, 19, 0, 10)
        let five = try ScheduleExpression(parsing: "rate(5 minutes)")
        #expect(five == .rate(seconds: 300))
        #expect(five.next(after: origin, origin: origin) == origin + 300_000)
        #expect(five.next(after: origin + 299_999, origin: origin) == origin + 300_000)
        #expect(five.next(after: origin + 300_000, origin: origin) == origin + 600_000)
        #expect(try ScheduleExpression(parsing: "rate(1 minute)") == .rate(seconds: 60))
        #expect(try ScheduleExpression(parsing: "rate(2 hours)") == .rate(seconds: 7200))
        #expect(try ScheduleExpression(parsing: "rate(1 day)") == .rate(seconds: 86_400))
    }

    @Test func calendarRoundTripsAndWeekdays() {
        for day in stride(from: -800_000, through: 800_000, by: 997) {
            let (y, m, d) = CivilTime.date(days: day)
            #expect(CivilTime.days(year: y, month: m, day: d) == day)
        }
        #expect(CivilTime.weekday(days: 0) == 5)  // 1970-01-01, a Thursday
        #expect(CivilTime.weekday(days: CivilTime.days(year: 2026, month: 12, day: 6)) == 1)  // a Sunday
    }

    @Test func schedulesFileLoadsAndLocatesErrors() throws {
        let ok = try SchedulesConfig.parse(
            """
            schedules:
              - name: nightly
                function: report
                expression: "cron(0 18 ? * MON-FRI *)"
              - name: tick
                function: report
                expression: "rate(1 minute)"
                input: '{"k": 1}'
                enabled: false
            """, path: "s.yml")
        #expect(ok.schedules.map(\.name) == ["nightly", "tick"])
        #expect(ok.schedules[1].input == #"{"k": 1}"#)
        #expect(ok.schedules[1].enabled == false)
        #expect(ok.schedules[0].enabled)
        do {
            _ = try SchedulesConfig.parse(
                """
                schedules:
                  - name: a
                    function: report
                    expression: "cron(0 18 * * * *)"
                  - name: a
                    function: report
                    expression: "rate(1 minute)"
                    input: "not json"
                """, path: "s.yml")
            Issue.record("expected errors")
        } catch {
            #expect(
                error.description.contains(
                    "s.yml:4:17: expression \"cron(0 18 * * * *)\": one of day-of-month and day-of-week must be '?'"))
            #expect(error.description.contains("s.yml:8:12: input must be JSON text"))
        }
    }
}

enum UTCDisplay {
    static func iso(_ ms: Int64) -> String {
        let (y, m, d) = CivilTime.date(days: Int(ms / 86_400_000))
        let s = Int(ms % 86_400_000 / 1000)
        return "\(y)-\(m)-\(d) \(s / 3600):\(s % 3600 / 60)"
    }
}
