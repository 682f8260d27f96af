import BoxCore
import Foundation
import Testing
import YAML

@testable import ESBCommands
@testable import SAMGenerator

/// Discrepancies a run of public SAM templates through `esb generate` found against what SAM does
/// (docs/sam-support.md), each with the smallest template that showed it. Generated files are read back through
/// BoxCore's loaders, the daemons'.
@Suite("Public template review")
struct PublicTemplateReviewTests {
    /// `esb generate` over `template` in a folder with `src/app.py` (and `files`): the run, as the user sees it.
    static func run(_ template: String, files: [String: String] = [:]) throws -> APIDefinitionTests.Run {
        try APIDefinitionTests.generate(files.merging(["template.yaml": template]) { $1 })
    }

    /// The generated functions.yml as the Manager loads it.
    static func functions(_ run: APIDefinitionTests.Run) throws -> FunctionsConfig {
        let text = try String(contentsOfFile: run.folder + "/out/functions.yml", encoding: .utf8)
        return try FunctionsConfig.parse(text, path: "functions.yml", environment: [:])
    }

    /// A Python function with one Api event and `variables` as its environment.
    static func function(_ variables: String, name: String = "Fn", events: String = "") -> String {
        """
          \(name):
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              CodeUri: src/
              Environment:
                Variables:
        \(variables)
        \(events)
        """
    }

    // MARK: 1. API stages and deployments

    static let stageTemplate = """
        Parameters:
          Stage: {Type: String, Default: dev}
        Globals:
          HttpApi:
            StageName: v2
        Resources:
          RestApi: {Type: AWS::Serverless::Api, Properties: {StageName: s1}}
          ParamApi: {Type: AWS::Serverless::Api, Properties: {StageName: !Ref Stage}}
          HttpOwn: {Type: AWS::Serverless::HttpApi, Properties: {StageName: live}}
          HttpGlobal: {Type: AWS::Serverless::HttpApi}
        """

    static func stageResolver(_ text: String, _ log: DiagnosticLog) throws -> TemplateResolver {
        let template = try SAMTemplate(try YAMLDocument.parse(text, path: "t.yaml"), log: log)
        let parameters = TemplateParameters.values(of: template.parameters, overrides: [:], log: log)
        let settings = ResolutionSettings(region: "ap-northeast-1", accountID: "000000000000", stackName: "demo")
        return TemplateResolver(template: template, settings: settings, parameters: parameters, log: log)
    }

    // `!Ref Api.Stage` was "unresolved reference" and `${Api.Stage}` a placeholder; SAM gives the stage's name.
    @Test(arguments: [
        ("!Ref RestApi.Stage", "s1"),
        ("!Sub \"${RestApi.Stage}\"", "s1"),
        (
            "!Sub \"https://${RestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${RestApi.Stage}\"",
            "https://rest-api.execute-api.ap-northeast-1.amazonaws.com/s1"
        ),
        ("!Ref RestApis1Stage", "s1"),
        ("!Ref ParamApi.Stage", "dev"),
        ("!Ref ParamApiStage", "dev"),
        ("!Ref ParamApidevStage", "dev"),
        ("!Ref ServerlessRestApi.Stage", "Prod"),
        ("!Ref ServerlessRestApiProdStage", "Prod"),
        ("!Sub \"${ServerlessRestApi.Stage}\"", "Prod"),
        ("!Ref HttpOwn.Stage", "live"),
        ("!Ref HttpOwnliveStage", "live"),
        ("!Ref HttpGlobal.Stage", "v2"),
        ("!Ref ServerlessHttpApi.Stage", "v2"),
        ("!Ref RestApi.Deployment", "rest-api-deployment"),
        ("!Sub \"${RestApi.Deployment}\"", "rest-api-deployment"),
        ("!Ref ServerlessRestApi.Deployment", "serverless-rest-api-deployment"),
    ])
    func stagesAndDeploymentsResolveAsSAMNamesThem(_ expression: String, _ expected: String) throws {
        let log = DiagnosticLog(path: "t.yaml")
        let resolver = try Self.stageResolver(Self.stageTemplate, log)
        let node = try YAMLDocument.parse("v: " + expression, path: "e.yaml")["v"]!
        let value = try resolver.resolve(node)
        #expect(value.kind == .string(expected))
        #expect(value.isKnown)
        #expect(log.entries.isEmpty, "\(log.entries)")
    }

    // HTTP APIs without any StageName: SAM's `$default` stage, `<Api>ApiGatewayDefaultStage`.
    @Test(arguments: [
        ("!Ref Http.Stage", "$default"), ("!Ref HttpApiGatewayDefaultStage", "$default"),
        ("!Ref ServerlessHttpApi.Stage", "$default"), ("!Ref ServerlessHttpApiApiGatewayDefaultStage", "$default"),
    ])
    func anHTTPAPIsDefaultStageIsDollarDefault(_ expression: String, _ expected: String) throws {
        let log = DiagnosticLog(path: "t.yaml")
        let text = "Resources:\n  Http: {Type: AWS::Serverless::HttpApi}\n"
        let resolver = try Self.stageResolver(text, log)
        let node = try YAMLDocument.parse("v: " + expression, path: "e.yaml")["v"]!
        #expect(try resolver.resolve(node).kind == .string(expected))
    }

    @Test func aStageIdOfAnotherNameIsStillUnresolved() throws {
        let log = DiagnosticLog(path: "t.yaml")
        let resolver = try Self.stageResolver(Self.stageTemplate, log)
        for expression in ["!Ref RestApiProdStage", "!Ref RestApi.Nope"] {
            let node = try YAMLDocument.parse("v: " + expression, path: "e.yaml")["v"]!
            #expect(throws: TemplateError.self) { try resolver.resolve(node) }
        }
    }

    // SAM does not strip a StageName that is not alphanumeric (`v1.0` gives no `DottedApiv10Stage`): it names the
    // stage `<Api>Stage` and a hash of the name, which esb does not compute. The error says so and what to write.
    @Test func aStageNameThatIsNotAlphanumericHasAHashedIdAndTheErrorSaysSo() throws {
        let log = DiagnosticLog(path: "t.yaml")
        let text = """
            Resources:
              DottedApi: {Type: AWS::Serverless::Api, Properties: {StageName: v1.0}}
              DottedHttp: {Type: AWS::Serverless::HttpApi, Properties: {StageName: my-stage}}
            """
        let resolver = try Self.stageResolver(text, log)
        let hint = { (api: String, stage: String) in
            "; SAM names the stage of \(api) (StageName \"\(stage)\", not alphanumeric) \(api)Stage followed by a hash of the name, which esb does not compute: use !Ref \(api).Stage for its name"
        }
        for (expression, api, stage) in [
            ("!Ref DottedApiv10Stage", "DottedApi", "v1.0"), ("!Ref DottedApiStage5d8e1f0a2b", "DottedApi", "v1.0"),
            ("!Sub \"${DottedHttpmystageStage}\"", "DottedHttp", "my-stage"),
        ] {
            let node = try YAMLDocument.parse("v: " + expression, path: "e.yaml")["v"]!
            do {
                let value = try resolver.resolve(node)
                Issue.record("\(expression) resolved to \(value)")
            } catch {
                #expect(error.message.hasSuffix(hint(api, stage)), "\(error.message)")
            }
        }
        // The documented way resolves; a name that is no stage id gets no hint.
        let stage = try YAMLDocument.parse("v: !Ref DottedApi.Stage", path: "e.yaml")["v"]!
        #expect(try resolver.resolve(stage).kind == .string("v1.0"))
        let other = try YAMLDocument.parse("v: !Ref DottedApiThing", path: "e.yaml")["v"]!
        do {
            _ = try resolver.resolve(other)
            Issue.record("DottedApiThing resolved")
        } catch {
            #expect(
                error.message.hasSuffix("no parameter, pseudo parameter or resource of that name"), "\(error.message)")
        }
    }

    @Test func theStageReachesTheFunctionsEnvironment() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              RestApi:
                Type: AWS::Serverless::Api
                Properties: {StageName: s1}
            \(Self.function("""
                          API_URL: !Sub 'https://${RestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${RestApi.Stage}'
                          STAGE: !Ref RestApi.Stage
                          IMPLICIT: !Ref ServerlessRestApiProdStage
                """))
            """
        let run = try Self.run(template)
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        let environment = try #require(try Self.functions(run)["fn"]).environment
        #expect(environment["API_URL"] == "https://rest-api.execute-api.ap-northeast-1.amazonaws.com/s1")
        #expect(environment["STAGE"] == "s1")
        #expect(environment["IMPLICIT"] == "Prod")
        #expect(!run.lines.contains { $0.contains("placeholder") }, "\(run.lines)")
    }

    // MARK: 2. CORS without AllowOrigin

    // A REST Cors map without AllowOrigin gave no CORS; SAM's default origin is '*'.
    @Test func aCorsMapWithoutAllowOriginAllowsAnyOrigin() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Globals:
              Api:
                Cors:
                  AllowMethods: "'GET,POST'"
                  AllowHeaders: "'Content-Type'"
            Resources:
              OwnApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
                  Cors: {MaxAge: "'600'"}
            \(CORSTests.function("ItemsFunction", events: [
                ("Implicit", "Api", "/items", nil), ("Own", "Api", "/own", "OwnApi"),
            ]))
            """
        let project = try CORSTests.generate(template)
        let policies = try CORSTests.policies(project)
        #expect(
            policies["GET /items"]
                == CORSPolicy(allowOrigins: ["*"], allowMethods: ["GET", "POST"], allowHeaders: ["Content-Type"]))
        #expect(
            policies["GET /own"]
                == CORSPolicy(
                    allowOrigins: ["*"], allowMethods: ["GET", "POST"], allowHeaders: ["Content-Type"], maxAge: 600),
            "merged with Globals.Api")
        #expect(!project.warnings.contains { $0.message.contains("CORS") }, "\(project.warnings)")
    }

    // MARK: 3. samconfig.toml inline tables

    // `parameter_overrides = {Stage = "prod"}` was silently ignored; SAM CLI takes a table as well as a string.
    @Test func samconfigParameterOverridesMayBeAnInlineTable() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              Stage: {Type: String, Default: dev}
              Owner: {Type: String, Default: nobody}
              Count: {Type: Number, Default: 1}
            Resources:
            \(Self.function("""
                          STAGE: !Ref Stage
                          OWNER: !Ref Owner
                          COUNT: !Ref Count
                """))
            """
        let samconfig = """
            version = 0.1
            [default.global.parameters]
            parameter_overrides = "Owner=global"
            [default.build.parameters]
            parameter_overrides = {Stage = "prod", "Owner" = 'two words, one comma', Count = 7}
            """
        let run = try Self.run(template, files: ["samconfig.toml": samconfig])
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        let environment = try #require(try Self.functions(run)["fn"]).environment
        #expect(environment["STAGE"] == "prod")
        #expect(environment["OWNER"] == "two words, one comma")
        #expect(environment["COUNT"] == "7")
    }

    @Test(arguments: [
        ("parameter_overrides = {A = \"1\", B = '2'}", ["A": "1", "B": "2"]),
        ("parameter_overrides = {}", [:]),
        ("parameter_overrides = { A=\"x=y\" , }", ["A": "x=y"]),
        ("parameter_overrides = [\"A=1\", \"B='two words'\"]", ["A": "1", "B": "two words"]),
        ("parameter_overrides = \"A=1 B=2\"", ["A": "1", "B": "2"]),
    ])
    func samconfigOverrideForms(_ line: String, _ expected: [String: String]) throws {
        let config = try SAMConfigFile.parse("[default.build.parameters]\n" + line + "\n", path: "samconfig.toml")
        #expect(config.parameters == expected)
    }

    @Test func aBrokenInlineTableIsAnError() {
        #expect(throws: CommandError.self) {
            try SAMConfigFile.parse("[default.build.parameters]\nparameter_overrides = {A}\n", path: "samconfig.toml")
        }
    }

    // MARK: 4. Invalid paths, at the template's position

    // `/{proxy++}` was refused by the routing.yml check after everything else, naming the generated file.
    @Test func invalidEventPathsAreTemplateErrors() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Timeout: 9000
                  Events:
                    A: {Type: Api, Properties: {Path: '/{proxy++}', Method: any}}
                    B: {Type: Api, Properties: {Path: '/{id}/{id}', Method: get}}
                    C: {Type: HttpApi, Properties: {Path: '/x/{ab$}', Method: get}}
            """
        let run = try Self.run(template)
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 1)
        #expect(
            run.diagnostics == [
                "template.yaml:9:16: error: Timeout must be between 1 and 900, found 9000",
                "template.yaml:11:43: error: Path \"/{proxy++}\" is not valid: invalid parameter name in '{proxy++}': use letters, digits, '_', '.', '-'",
                "template.yaml:12:43: error: Path \"/{id}/{id}\" is not valid: parameter 'id' appears twice",
                "template.yaml:13:47: error: Path \"/x/{ab$}\" is not valid: invalid parameter name in '{ab$}': use letters, digits, '_', '.', '-'",
            ], "\(run.lines)")
        #expect(!run.lines.contains { $0.contains("routing.yml") }, "\(run.lines)")
    }

    // MARK: 5. Every error, not only the first

    @Test func everyBadLayerAndEveryBadVariableIsReported() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Layers: [<NodeBaseLayer>, <NodeUtilitiesLayer>]
                  Environment:
                    Variables:
                      TABLE: !Ref MissingTable
                      bad-name: x
                      GOOD: !Sub "${AlsoMissing}"
            """
        let run = try Self.run(template)
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 1)
        #expect(
            run.diagnostics == [
                "template.yaml:9:16: error: layer \"<NodeBaseLayer>\" is neither a layer of this template nor an ARN",
                "template.yaml:9:33: error: layer \"<NodeUtilitiesLayer>\" is neither a layer of this template nor an ARN",
                "template.yaml:12:18: error: unresolved reference \"MissingTable\": no parameter, pseudo parameter or resource of that name",
                "template.yaml:13:11: error: environment variable name \"bad-name\" is not valid: use [A-Za-z_][A-Za-z0-9_]*",
                "template.yaml:14:17: error: unresolved reference \"AlsoMissing\": no parameter, pseudo parameter or resource of that name",
            ], "\(run.lines)")
    }

    @Test func environmentVariablesStillMergeWithGlobalsAndDropNoValue() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Conditions:
              Never: !Equals [a, b]
            Globals:
              Function:
                Environment:
                  Variables: {SHARED: global, KEPT: global}
            Resources:
            \(Self.function("""
                          SHARED: own
                          GONE: !If [Never, x, !Ref AWS::NoValue]
                          EMPTY:
                """))
              Other:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.handler
                  CodeUri: src/
                  Environment: !If [Never, {Variables: {X: x}}, {Variables: {WHOLE: made-by-if}}]
            """
        let run = try Self.run(template)
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        let functions = try Self.functions(run)
        let environment = try #require(functions["fn"]).environment
        #expect(environment["SHARED"] == "own")
        #expect(environment["KEPT"] == "global")
        #expect(environment["GONE"] == nil)
        #expect(environment["EMPTY"] == "")
        #expect(try #require(functions["other"]).environment["WHOLE"] == "made-by-if")
    }

    // MARK: 6. Names that differ only by case

    // `OrderFn` and `orderfn` were both built as the image `orderfn:latest`, each build replacing the other.
    @Test func functionNamesThatDifferOnlyByCaseAreRefused() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Globals:
              Function: {Runtime: python3.12, Handler: app.handler, CodeUri: src/}
            Resources:
              A:
                Type: AWS::Serverless::Function
                Properties: {FunctionName: OrderFn}
              B:
                Type: AWS::Serverless::Function
                Properties: {FunctionName: orderfn, Handler: app.other}
            """
        let run = try Self.run(template)
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 1)
        #expect(
            run.diagnostics == [
                "template.yaml:8:3: error: function name \"orderfn\" differs from \"OrderFn\" (line 5) only by case: both would be built as the image \"orderfn\" (Docker image names are lower case); rename one"
            ], "\(run.lines)")
    }

    // MARK: 7–10. Warnings that say what happens

    // A REST API's OpenAPI service integration (type aws, not a Lambda) lost its route silently.
    @Test func restServiceIntegrationsWarnPerRoute() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              QueueApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
                  DefinitionBody:
                    openapi: 3.0.1
                    paths:
                      /send:
                        post:
                          x-amazon-apigateway-integration:
                            type: aws
                            uri: !Sub arn:aws:apigateway:${AWS::Region}:sqs:path/${AWS::AccountId}/jobs
                      /put:
                        put:
                          x-amazon-apigateway-integration:
                            type: AWS
                            uri: !Sub arn:aws:apigateway:${AWS::Region}:dynamodb:action/PutItem
                      /mock:
                        get:
                          x-amazon-apigateway-integration: {type: mock}
            """
        let run = try Self.run(template)
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        let warnings = run.diagnostics.filter { $0.contains("AWS service integration") }
        #expect(
            warnings == [
                "template.yaml:11:13: warning: integration of type \"aws\" to the AWS service sqs (an AWS service integration) is not supported by the box; route ignored",
                "template.yaml:16:13: warning: integration of type \"aws\" to the AWS service dynamodb (an AWS service integration) is not supported by the box; route ignored",
            ], "\(run.lines)")
        #expect(!run.diagnostics.contains { $0.contains("mock") }, "a mock is not the box's business")
    }

    @Test func serverlessConnectorsAreOnTheNoEffectLine() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Table: {Type: AWS::Serverless::SimpleTable}
              WriterConnector:
                Type: AWS::Serverless::Connector
                Properties:
                  Source: {Id: Fn}
                  Destination: {Id: Table}
                  Permissions: [Write]
            \(Self.function("          A: b"))
            """
        let run = try Self.run(template)
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        #expect(!run.lines.contains { $0.contains("not supported") }, "\(run.lines)")
        #expect(
            run.lines.contains { $0.hasPrefix("err: note: 1 setting(s) with no effect") && $0.contains("Connectors") },
            "\(run.lines)")
    }

    // The Lambda Web Adapter's `Handler: run.sh` names a start script, not a module `run`.
    @Test func aHandlerThatIsAFileOfTheCodeIsNotAMissingModule() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Web:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: run.sh
                  CodeUri: src/
                  Environment: {Variables: {AWS_LAMBDA_EXEC_WRAPPER: /opt/bootstrap}}
              Missing:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: start.sh
                  CodeUri: src/
            """
        let run = try Self.run(template, files: ["src/run.sh": "#!/bin/sh\nexec python -m app\n"])
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        let missing = run.diagnostics.filter { $0.contains("handler module") }
        #expect(
            missing == [
                "template.yaml:14:16: warning: handler module start of Missing is not in its CodeUri or layers"
            ], "\(run.lines)")
    }

    @Test func aNestedApplicationSaysItsFunctionsAreNotGenerated() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Shared:
                Type: AWS::Serverless::Application
                Properties:
                  Location: ./shared/template.yaml
            \(Self.function("          A: b"))
            """
        let run = try Self.run(template)
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        #expect(
            run.diagnostics.contains {
                $0.hasPrefix(
                    "template.yaml:3:3: warning: nested application Shared (AWS::Serverless::Application) is not generated: esb does not read its template, so its functions and routes are not in the box"
                )
            }, "\(run.lines)")
    }
}
