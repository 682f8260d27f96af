import BoxCore
import Foundation
import Testing

@testable import ESBCommands
@testable import SAMGenerator

/// SAM `Schedule` / `ScheduleV2` events → `schedules.yml`, read back with the gateway's loader.
@Suite("Schedule events")
struct ScheduleEventTests {
    static let template = """
        AWSTemplateFormatVersion: '2010-09-09'
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Report:
            Type: AWS::Serverless::Function
            Properties:
              FunctionName: report
              PackageType: Image
              ImageUri: example/report:1
              Events:
                Nightly:
                  Type: Schedule
                  Properties:
                    Schedule: cron(0 18 ? * MON-FRI *)
                    Input: '{"kind": "nightly"}'
                Paused:
                  Type: Schedule
                  Properties:
                    Schedule: rate(5 minutes)
                    Enabled: false
                Every:
                  Type: ScheduleV2
                  Properties:
                    Name: report-every-minute
                    ScheduleExpression: rate(1 minute)
                    ScheduleExpressionTimezone: Asia/Tokyo
                    State: ENABLED
                Once:
                  Type: ScheduleV2
                  Properties:
                    ScheduleExpression: at(2027-01-01T00:00:00)

        """

    /// `esb generate` on `text` as template.yaml in a folder of its own (APIDefinitionTests' runner).
    func generate(_ text: String) throws -> APIDefinitionTests.Run {
        try APIDefinitionTests.generate(["template.yaml": text])
    }

    @Test func schedulesAreWrittenAndLoadInTheGateway() throws {
        let run = try generate(Self.template)
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        let config = try SchedulesConfig.parse(
            try Fixtures.read(run.folder + "/out/schedules.yml"), path: "schedules.yml")
        let byName = Dictionary(uniqueKeysWithValues: config.schedules.map { ($0.name, $0) })
        #expect(byName.keys.sorted() == ["report-every-minute", "report-nightly", "report-paused"])
        #expect(byName["report-nightly"]?.expressionText == "cron(0 18 ? * MON-FRI *)")
        #expect(byName["report-nightly"]?.input == #"{"kind": "nightly"}"#)
        #expect(byName["report-paused"]?.enabled == false)
        #expect(byName["report-every-minute"]?.expression == .rate(seconds: 60))
        #expect(config.schedules.allSatisfy { $0.function == "report" })
        #expect(
            run.lines.contains {
                $0.contains("ScheduleExpressionTimezone Asia/Tokyo: the box evaluates schedules in UTC")
            })
        #expect(run.lines.contains { $0.contains("one-time schedule at(2027-01-01T00:00:00) is not supported") })
    }

    // Was an error: SAM's own examples write `State: Enabled`, which EventBridge accepts.
    @Test func stateIsReadInAnyCase() throws {
        let run = try generate(
            Self.template.replacingOccurrences(of: "State: ENABLED", with: "State: Enabled")
                .replacingOccurrences(of: "Enabled: false", with: "State: disabled"))
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        let config = try SchedulesConfig.parse(
            try Fixtures.read(run.folder + "/out/schedules.yml"), path: "schedules.yml")
        let enabled = Dictionary(uniqueKeysWithValues: config.schedules.map { ($0.name, $0.enabled) })
        #expect(enabled == ["report-every-minute": true, "report-nightly": true, "report-paused": false])
    }

    @Test func aBadExpressionIsALocatedError() throws {
        let run = try generate(
            Self.template.replacingOccurrences(of: "cron(0 18 ? * MON-FRI *)", with: "cron(0 18 * * MON-FRI *)"))
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 1)
        #expect(
            run.lines.contains {
                $0.contains("template.yaml:14:") && $0.contains("one of day-of-month and day-of-week must be '?'")
            }, "\(run.lines)")
    }
}
