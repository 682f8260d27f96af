import BoxCore
import Foundation
import Testing
import YAML

@testable import SAMGenerator

/// What the AWS::LanguageExtensions transform adds to intrinsic functions and esb applies: `Fn::FindInMap`'s
/// `DefaultValue` and `Fn::Length` (docs/sam-support.md "Intrinsic functions"); without the transform they stay
/// what CloudFormation makes of them.
@Suite("AWS::LanguageExtensions")
struct LanguageExtensionsTests {
    static let template = """
        Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
        Parameters:
          Stage: {Type: String, Default: dev}
          Origins: {Type: CommaDelimitedList, Default: "a.example,b.example"}
        Mappings:
          Sizes: {dev: {Memory: 256}, prod: {Memory: 1024}}
        Resources:
          Fn: {Type: AWS::Serverless::Function}
        """

    static func resolver(_ log: DiagnosticLog) throws -> TemplateResolver {
        let template = try SAMTemplate(try YAMLDocument.parse(Self.template, path: "t.yaml"), log: log)
        #expect(template.languageExtensions)
        let parameters = TemplateParameters.values(of: template.parameters, overrides: [:], log: log)
        let settings = ResolutionSettings(region: "ap-northeast-1", accountID: "000000000000", stackName: "demo")
        return TemplateResolver(template: template, settings: settings, parameters: parameters, log: log)
    }

    @Test(arguments: [
        ("!FindInMap [Sizes, dev, Memory, {DefaultValue: 128}]", "256"),
        ("!FindInMap [Sizes, test, Memory, {DefaultValue: 128}]", "128"),
        ("!FindInMap [Sizes, !Ref AWS::Region, Memory, {DefaultValue: !Ref Stage}]", "dev"),
        ("{\"Fn::FindInMap\": [Sizes, prod, Disk, {DefaultValue: !Sub \"${Stage}-disk\"}]}", "dev-disk"),
        ("!FindInMap [Sizes, prod, Memory]", "1024"),
        ("!Length [a, b, c]", "3"),
        ("!Length []", "0"),
        ("!Length {Ref: Origins}", "2"),
        ("{\"Fn::Length\": !Split [\"/\", \"a/b/c/d\"]}", "4"),
        ("!Length [a, !Ref AWS::NoValue]", "1"),
    ])
    func resolves(_ expression: String, _ expected: String) throws {
        let log = DiagnosticLog(path: "t.yaml")
        let resolver = try Self.resolver(log)
        let node = try YAMLDocument.parse("v: " + expression, path: "e.yaml")["v"]!
        #expect(try resolver.resolve(node).kind == .string(expected))
        #expect(log.warnings.isEmpty, "\(log.warnings)")
    }

    @Test(arguments: [
        ("!FindInMap [Nope, dev, Memory, {DefaultValue: 1}]", "1:16", "Fn::FindInMap: no mapping \"Nope\""),
        ("!FindInMap [Sizes, dev, Memory, 128]", "1:36", "Fn::FindInMap's fourth item must be {DefaultValue: value}"),
        ("!FindInMap [Sizes, dev, Memory, {Default: 1}]", "1:36", "Fn::FindInMap's fourth item must be"),
        ("!FindInMap [Sizes, test, Memory]", "1:23", "Fn::FindInMap: mapping Sizes has no key \"test\""),
        ("!Length abc", "1:4", "Fn::Length's argument must be a list, found a string"),
    ])
    func rejects(_ expression: String, _ position: String, _ message: String) throws {
        let log = DiagnosticLog(path: "t.yaml")
        let resolver = try Self.resolver(log)
        let node = try YAMLDocument.parse("v: " + expression, path: "e.yaml")["v"]!
        do {
            let value = try resolver.resolve(node)
            Issue.record("resolved to \(value)")
        } catch {
            #expect("\(error.mark)" == position)
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
    }

    /// Without the transform CloudFormation refuses a fourth item and knows no Fn::Length: so does esb.
    @Test func withoutTheTransformTheDefaultIsAnErrorAndLengthAPlaceholder() throws {
        let log = DiagnosticLog(path: "t.yaml")
        let resolver = try IntrinsicFunctionTests.resolver(log)
        #expect(!resolver.template.languageExtensions)
        let node = try YAMLDocument.parse("v: !FindInMap [Sizes, test, Memory, {DefaultValue: 1}]", path: "e.yaml")[
            "v"]!
        do {
            let value = try resolver.resolve(node)
            Issue.record("resolved to \(value)")
        } catch {
            #expect("\(error.mark)" == "1:4")
            #expect(
                error.message
                    == "Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]; a fourth item {DefaultValue: ...} needs Transform AWS::LanguageExtensions"
            )
        }
        let length = try YAMLDocument.parse("v: !Length [a, b]", path: "e.yaml")["v"]!
        #expect(try resolver.resolve(length).kind == .string("<Fn::Length>"))
        #expect(log.warnings.contains { $0.message.hasPrefix("intrinsic function Fn::Length is not supported") })
    }

    /// Fn::ToJsonString is not applied (docs/sam-support.md): a placeholder with a warning, as before.
    @Test func toJsonStringStaysAPlaceholder() throws {
        let log = DiagnosticLog(path: "t.yaml")
        let resolver = try Self.resolver(log)
        let node = try YAMLDocument.parse("v: {\"Fn::ToJsonString\": {a: b}}", path: "e.yaml")["v"]!
        let value = try resolver.resolve(node)
        #expect(value.kind == .string("<Fn::ToJsonString>") && !value.isKnown)
        #expect(log.warnings.contains { $0.message.hasPrefix("intrinsic function Fn::ToJsonString is not supported") })
    }

    @Test func aGeneratedFunctionTakesTheDefaultAndTheTransformDoesNotWarn() throws {
        let template = """
            Transform:
              - AWS::LanguageExtensions
              - AWS::Serverless-2016-10-31
            Parameters:
              Stage: {Type: String, Default: staging}
              Hosts: {Type: CommaDelimitedList, Default: "a.example,b.example,c.example"}
            Mappings:
              StageConfig:
                prod: {Memory: 1024, Timeout: 30}
            Resources:
              ItemsFunction:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: src/
                  Handler: app.handler
                  Runtime: python3.12
                  MemorySize: !FindInMap [StageConfig, !Ref Stage, Memory, {DefaultValue: 256}]
                  Timeout: !FindInMap [StageConfig, !Ref Stage, Timeout, DefaultValue: 10]
                  Environment:
                    Variables:
                      HOST_COUNT: !Length {Ref: Hosts}

            """
        let run = try APIDefinitionTests.generate(["template.yaml": template])
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        #expect(run.diagnostics == [], "the transform is applied where esb needs it: no warning")
        let text = try Fixtures.read(run.folder + "/out/functions.yml")
        let functions = try FunctionsConfig.parse(text, path: "functions.yml", environment: [:])
        let function = try #require(functions["items-function"])
        #expect(function.memorySize == 256 && function.timeout == 10)
        #expect(function.environment["HOST_COUNT"] == "3")
    }
}
