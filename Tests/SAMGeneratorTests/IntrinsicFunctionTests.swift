import Testing
import YAML

@testable import SAMGenerator

/// The intrinsic functions and conditions, one expression at a time, against a small template.
@Suite("Intrinsic functions")
struct IntrinsicFunctionTests {
    static let base = """
        Parameters:
          Stage: {Type: String, Default: dev}
          Origins: {Type: CommaDelimitedList, Default: "a.example,b.example"}
          Count: {Type: Number, Default: 3}
          Arches: {Type: "List<String>", Default: [x86_64, arm64]}
        Mappings:
          Sizes: {dev: {Memory: 256}, prod: {Memory: 1024}}
        Conditions:
          IsDev: !Equals [!Ref Stage, dev]
          IsProd: !Equals [prod, !Ref Stage]
          DevNotProd: !And [!Condition IsDev, !Not [!Condition IsProd]]
          CountIsThree: !Equals [!Ref Count, 3]
          Imported: !Equals [!ImportValue shared-thing, x]
          ImportedOrDev: !Or [!Condition Imported, !Condition IsDev]
          ImportedAndDev: !And [!Condition Imported, !Condition IsDev]
          ImportedAndProd: !And [!Condition Imported, !Condition IsProd]
          LongForm: {"Fn::Or": [{"Condition": "IsProd"}, {"Fn::Equals": ["a", "a"]}]}
        Resources:
          Fn: {Type: AWS::Serverless::Function, Properties: {FunctionName: !Sub "fn-${Stage}"}}
          OtherFn: {Type: AWS::Serverless::Function}
          Table: {Type: AWS::DynamoDB::Table}
          Bucket: {Type: AWS::S3::Bucket, Properties: {BucketName: !Sub "data-${Stage}"}}
          Layer: {Type: AWS::Serverless::LayerVersion, Properties: {LayerName: libs}}
          Queue: {Type: AWS::SQS::Queue}
          Jobs: {Type: AWS::SQS::Queue, Properties: {QueueName: !Sub "jobs-${Stage}"}}
          Alerts: {Type: AWS::SNS::Topic}
          Flow: {Type: AWS::Serverless::StateMachine, Properties: {Name: flow}}
          Token: {Type: AWS::SecretsManager::Secret}
          Bus: {Type: AWS::Events::EventBus, Properties: {Name: orders-bus}}
        """

    static func resolver(_ log: DiagnosticLog) throws -> TemplateResolver {
        let template = try SAMTemplate(try YAMLDocument.parse(base, path: "t.yaml"), log: log)
        let parameters = TemplateParameters.values(of: template.parameters, overrides: [:], log: log)
        let settings = ResolutionSettings(region: "ap-northeast-1", accountID: "000000000000", stackName: "demo")
        return TemplateResolver(template: template, settings: settings, parameters: parameters, log: log)
    }

    static let values: [(String, String)] = [
        ("!Ref Stage", "dev"),
        ("{Ref: Stage}", "dev"),
        ("!Ref AWS::Region", "ap-northeast-1"),
        ("!Ref AWS::AccountId", "000000000000"),
        ("!Ref AWS::StackName", "demo"),
        ("!Ref AWS::Partition", "aws"),
        ("!Ref AWS::URLSuffix", "amazonaws.com"),
        ("!Ref Fn", "fn-dev"),
        ("!Ref OtherFn", "other-fn"),
        ("!Ref Table", "table"),
        ("!Ref Bucket", "data-dev"),
        ("!Ref Layer", "arn:aws:lambda:ap-northeast-1:000000000000:layer:libs:1"),
        ("!Sub \"a-${Stage}-${AWS::Region}\"", "a-dev-ap-northeast-1"),
        ("!Sub \"${!Literal}-${Stage}\"", "${Literal}-dev"),
        ("!Sub \"no variables\"", "no variables"),
        ("!Sub \"${Stage\"", "${Stage"),
        ("!Sub [\"${A}-${B}\", {A: x, B: !Ref Stage}]", "x-dev"),
        ("{\"Fn::Sub\": [\"${Stage}/${Stage}\", {Stage: override}]}", "override/override"),
        ("!Sub \"${Bucket.Arn}\"", "arn:aws:s3:::data-dev"),
        ("!Sub \"${Fn}\"", "fn-dev"),
        ("!GetAtt Fn.Arn", "arn:aws:lambda:ap-northeast-1:000000000000:function:fn-dev"),
        ("!GetAtt [Table, Arn]", "arn:aws:dynamodb:ap-northeast-1:000000000000:table/table"),
        (
            "{\"Fn::GetAtt\": [Table, StreamArn]}",
            "arn:aws:dynamodb:ap-northeast-1:000000000000:table/table/stream/1970-01-01T00:00:00.000"
        ),
        ("!GetAtt Bucket.DomainName", "data-dev.s3.amazonaws.com"),
        ("!GetAtt Bucket.RegionalDomainName", "data-dev.s3.ap-northeast-1.amazonaws.com"),
        ("!GetAtt Queue.Arn", "arn:aws:sqs:ap-northeast-1:000000000000:queue"),
        // Ref of the types AWS answers with a URL or an ARN (was the kebab logical id).
        ("!Ref Jobs", "https://sqs.ap-northeast-1.amazonaws.com/000000000000/jobs-dev"),
        ("!GetAtt Jobs.QueueName", "jobs-dev"),
        ("!GetAtt Jobs.QueueUrl", "https://sqs.ap-northeast-1.amazonaws.com/000000000000/jobs-dev"),
        ("!Ref Alerts", "arn:aws:sns:ap-northeast-1:000000000000:alerts"),
        ("!GetAtt Alerts.TopicName", "alerts"),
        ("!Ref Flow", "arn:aws:states:ap-northeast-1:000000000000:stateMachine:flow"),
        ("!GetAtt Flow.Name", "flow"),
        ("!Ref Token", "arn:aws:secretsmanager:ap-northeast-1:000000000000:secret:token"),
        ("!Ref Bus", "orders-bus"),
        ("!GetAtt Bus.Arn", "arn:aws:events:ap-northeast-1:000000000000:event-bus/orders-bus"),
        ("!Join [\",\", [a, !Ref Stage, c]]", "a,dev,c"),
        ("!Join [\"\", []]", ""),
        ("!Join [\";\", !Ref Origins]", "a.example;b.example"),
        ("!Select [1, !Ref Origins]", "b.example"),
        // `List<String>` (seen in SAM's own examples) is a list like CommaDelimitedList; it was an unknown Type.
        ("!Join [\"+\", !Ref Arches]", "x86_64+arm64"),
        ("!Select [\"0\", [x, y]]", "x"),
        ("!Select [2, !Split [\"/\", \"a/b/c\"]]", "c"),
        ("!Join [\"+\", !Split [\",\", \"a,,b\"]]", "a++b"),
        ("!FindInMap [Sizes, !Ref Stage, Memory]", "256"),
        ("{\"Fn::FindInMap\": [Sizes, prod, Memory]}", "1024"),
        ("!If [IsDev, yes, no]", "yes"),
        ("!If [IsProd, yes, no]", "no"),
        ("!If [DevNotProd, both, neither]", "both"),
        ("!If [CountIsThree, three, other]", "three"),
        ("!If [LongForm, yes, no]", "yes"),
        ("{\"Fn::If\": [IsDev, {\"Fn::Join\": [\"-\", [x, y]]}, z]}", "x-y"),
        ("!Base64 abc", "YWJj"),
        ("!Select [1, !GetAZs \"\"]", "ap-northeast-1b"),
        ("plain text", "plain text"),
        ("42", "42"),
        ("true", "true"),
    ]

    @Test(arguments: values)
    func resolves(_ expression: String, _ expected: String) throws {
        let log = DiagnosticLog(path: "t.yaml")
        let resolver = try Self.resolver(log)
        let node = try YAMLDocument.parse("v: " + expression, path: "e.yaml")["v"]!
        let value = try resolver.resolve(node)
        #expect(value.kind == .string(expected))
        #expect(log.warnings.isEmpty, "\(log.warnings)")
    }

    /// Values the box cannot know become placeholders with a warning, and conditions on them are undecided.
    @Test(arguments: [
        ("!ImportValue shared-thing", "<ImportValue:shared-thing>", "!ImportValue shared-thing cannot be resolved"),
        (
            "!GetAtt Table.LatestStreamLabel", "<GetAtt:Table.LatestStreamLabel>",
            "attribute Table.LatestStreamLabel has no value"
        ),
        ("!If [ImportedAndDev, yes, no]", "no", "condition ImportedAndDev cannot be decided here"),
        // Three-valued logic: an undecided operand does not matter when the other one decides.
        ("!If [ImportedOrDev, yes, no]", "yes", "!ImportValue shared-thing cannot be resolved"),
        ("!If [ImportedAndProd, yes, no]", "no", "!ImportValue shared-thing cannot be resolved"),
        ("{\"Fn::Cidr\": [\"10.0.0.0/16\", 2, 8]}", "<Fn::Cidr>", "intrinsic function Fn::Cidr is not supported"),
    ])
    func approximates(_ expression: String, _ expected: String, _ warning: String) throws {
        let log = DiagnosticLog(path: "t.yaml")
        let resolver = try Self.resolver(log)
        let node = try YAMLDocument.parse("v: " + expression, path: "e.yaml")["v"]!
        let value = try resolver.resolve(node)
        #expect(value.kind == .string(expected))
        #expect(log.warnings.contains { $0.message.hasPrefix(warning) }, "\(log.warnings)")
    }

    @Test(arguments: [
        ("!Ref Nope", "1:4", "unresolved reference \"Nope\""),
        ("!GetAtt Nope.Arn", "1:4", "Fn::GetAtt refers to unknown resource \"Nope\""),
        ("!Sub \"${Nope}\"", "1:4", "unresolved reference \"Nope\""),
        ("!Join [\",\"]", "1:4", "Fn::Join takes [delimiter, [values]]"),
        ("!Select [5, [a]]", "1:13", "Fn::Select index 5 is out of range"),
        ("!FindInMap [Sizes, test, Memory]", "1:23", "Fn::FindInMap: mapping Sizes has no key \"test\""),
        ("!If [NoSuchCondition, a, b]", "1:9", "unknown condition \"NoSuchCondition\""),
        ("!Equals [a, b]", "1:4", "Fn::Equals is only allowed in Conditions"),
        ("!Sub [\"${A}\", {A: [x]}]", "1:10", "${A} in Fn::Sub is a list, not a string"),
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

    @Test func noValueRemovesTheKeyAndTheListItem() throws {
        let log = DiagnosticLog(path: "t.yaml")
        let resolver = try Self.resolver(log)
        let node = try YAMLDocument.parse(
            "v: {a: !Ref AWS::NoValue, b: !If [IsProd, x, !Ref AWS::NoValue], c: [1, !Ref AWS::NoValue, 2], d: kept}",
            path: "e.yaml")["v"]!
        let value = try resolver.resolve(node)
        #expect(try value.entries("v").map(\.key) == ["c", "d"])
        #expect(try value["c"]?.list("c").count == 2)
    }
}
