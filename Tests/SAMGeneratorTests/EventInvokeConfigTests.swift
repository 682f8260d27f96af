import BoxCore
import Foundation
import Testing

@testable import ESBCommands
@testable import SAMGenerator

/// SAM `EventInvokeConfig` → `event_max_age`, `event_retry_attempts`, `on_failure` (docs/sam-support.md), through
/// `esb generate` on real files and BoxCore's real loader.
@Suite("EventInvokeConfig")
struct EventInvokeConfigTests {
    static let template = """
        AWSTemplateFormatVersion: '2010-09-09'
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            EventInvokeConfig:
              MaximumRetryAttempts: 1
        Resources:
          Worker:
            Type: AWS::Serverless::Function
            Properties:
              FunctionName: worker
              PackageType: Image
              ImageUri: example/worker:1
              EventInvokeConfig:
                MaximumEventAgeInSeconds: 120
                MaximumRetryAttempts: 0
                DestinationConfig:
                  OnFailure:
                    Type: Lambda
                    Destination: !GetAtt Catcher.Arn
                  OnSuccess:
                    Type: SQS
                    Destination: arn:aws:sqs:ap-northeast-1:000000000000:done
          Catcher:
            Type: AWS::Serverless::Function
            Properties:
              FunctionName: catcher
              PackageType: Image
              ImageUri: example/catcher:1
          Other:
            Type: AWS::Serverless::Function
            Properties:
              FunctionName: other
              PackageType: Image
              ImageUri: example/other:1
              EventInvokeConfig:
                DestinationConfig:
                  OnFailure:
                    Type: Lambda
                    Destination: arn:aws:lambda:ap-northeast-1:000000000000:function:catcher:$LATEST

        """

    /// `esb generate` on `text` as template.yaml in a folder of its own (APIDefinitionTests' runner).
    func generate(_ text: String) throws -> APIDefinitionTests.Run {
        try APIDefinitionTests.generate(["template.yaml": text])
    }

    @Test func mapsToTheAsynchronousKeysAndLoadsInTheDaemons() throws {
        let run = try generate(Self.template)
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        let text = try Fixtures.read(run.folder + "/out/functions.yml")
        let functions = try FunctionsConfig.parse(text, path: "functions.yml", environment: [:])
        let worker = try #require(functions["worker"])
        #expect(worker.eventMaxAge == 120)
        #expect(worker.eventRetryAttempts == 0)
        #expect(worker.onFailure == "catcher")
        #expect(functions["catcher"]?.eventRetryAttempts == 1)  // from Globals
        #expect(functions["catcher"]?.onFailure == nil)
        #expect(functions["other"]?.onFailure == "catcher")
        #expect(
            run.lines.contains {
                $0.contains("template.yaml:") && $0.contains("DestinationConfig.OnSuccess is not supported")
            })
    }

    @Test func outOfRangeValuesAreLocatedErrors() throws {
        let broken = Self.template.replacingOccurrences(
            of: "MaximumEventAgeInSeconds: 120", with: "MaximumEventAgeInSeconds: 30")
        let run = try generate(broken)
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 1)
        #expect(
            run.lines.contains {
                $0.contains("template.yaml:15:35:")
                    && $0.contains("EventInvokeConfig.MaximumEventAgeInSeconds must be between 60 and 21600, found 30")
            }, "\(run.lines)")
    }

    @Test func destinationARNsNameTheFunction() {
        #expect(FunctionReader.functionName(fromDestination: "arn:aws:lambda:us-east-1:1:function:f") == "f")
        #expect(FunctionReader.functionName(fromDestination: "arn:aws:lambda:us-east-1:1:function:f:$LATEST") == "f")
        #expect(FunctionReader.functionName(fromDestination: "plain") == "plain")
    }
}
