import BoxCore
import Foundation
import Testing

@testable import ESBCommands
@testable import SAMGenerator

/// Shapes seen in public SAM examples: explicit APIs whose OpenAPI document (inline, or a local file through
/// `AWS::Include`) routes to the template's functions, and parameters without a value that only AWS-side
/// resources use (docs/sam-support.md). Run through `esb generate` on real files; the routing.yml written is
/// loaded with BoxCore's loader, the gateway's.
@Suite("API definitions and unused parameters")
struct APIDefinitionTests {
    struct Run {
        var status: Int32
        var folder: String
        var lines: [String]

        /// The lines about the template, as the user sees them when running in its folder.
        var diagnostics: [String] {
            lines.map { line in
                var text = Substring(line)
                if let colon = text.firstIndex(of: ":"), ["err", "out"].contains(text[..<colon]) {
                    text = text[text.index(colon, offsetBy: 2)...]
                }
                if text.hasPrefix(folder + "/") { text = text.dropFirst(folder.count + 1) }
                return String(text)
            }.filter { $0.hasPrefix("template.yaml:") }
        }

        func routes() throws -> [String] {
            let text = try String(contentsOfFile: folder + "/out/routing.yml", encoding: .utf8)
            return try RoutingConfig.parse(text, path: "routing.yml").routes.map {
                "\($0.routeKey) \($0.function) \($0.payloadFormat.rawValue)"
            }
        }
    }

    /// Writes `files` (path → text, folders created) into a new folder with a `src/app.py`, runs `esb generate` there.
    static func generate(_ files: [String: String]) throws -> Run {
        let folder = FileManager.default.temporaryDirectory.path + "/esb-api-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/src", withIntermediateDirectories: true)
        try "def handler(event, context):\n    return {}\n".write(
            toFile: folder + "/src/app.py", atomically: true, encoding: .utf8)
        for (path, text) in files {
            let target = folder + "/" + path
            try FileManager.default.createDirectory(
                atPath: URL(fileURLWithPath: target).deletingLastPathComponent().path, withIntermediateDirectories: true
            )
            try text.write(toFile: target, atomically: true, encoding: .utf8)
        }
        var request = GenerateRequest()
        request.template = folder + "/template.yaml"
        request.output = folder + "/out"
        let recorder = GenerateCommandTests.Recorder()
        let status = GenerateCommandRunner.run(request, console: recorder.console)
        return Run(status: status, folder: folder, lines: recorder.all)
    }

    static let functions = """
          ItemsFunction:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src/
              Handler: app.handler
              Runtime: python3.12
          OrdersFunction:
            Type: AWS::Serverless::Function
            Properties:
              FunctionName: orders
              CodeUri: src/
              Handler: app.handler
              Runtime: python3.12
              Events:
                Get:
                  Type: Api
                  Properties:
                    RestApiId: !Ref ItemsApi
                    Path: /orders
                    Method: get

        """

    // Was: any Fn::Transform stopped the run ("inline the included snippet"), though SAM CLI reads a local include.
    @Test func anIncludedOpenAPIFileGivesTheRoutesOfItsLambdaProxyIntegrations() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              ItemsApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
                  DefinitionBody:
                    Fn::Transform:
                      Name: AWS::Include
                      Parameters:
                        Location: api.yaml

            """ + Self.functions
        let api = """
            openapi: 3.0.1
            paths:
              /items:
                get:
                  x-amazon-apigateway-integration:
                    type: aws_proxy
                    httpMethod: POST
                    uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${ItemsFunction.Arn}/invocations
              /items/{id}/:
                parameters: []
                x-amazon-apigateway-any-method:
                  x-amazon-apigateway-integration:
                    type: AWS_PROXY
                    uri: {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${ItemsFunction.Arn}:live/invocations"}
              /orders:
                get:
                  x-amazon-apigateway-integration:
                    type: aws_proxy
                    uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${OrdersFunction.Arn}/invocations
              /queue:
                post:
                  x-amazon-apigateway-integration:
                    type: aws
                    uri: !Sub arn:aws:apigateway:${AWS::Region}:sqs:path/${AWS::AccountId}/queue
              /legacy:
                post:
                  x-amazon-apigateway-integration:
                    type: aws
                    uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${ItemsFunction.Arn}/invocations
              /elsewhere:
                get:
                  x-amazon-apigateway-integration:
                    type: aws_proxy
                    uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:other/invocations

            """
        let run = try Self.generate(["template.yaml": template, "api.yaml": api])
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        #expect(
            try run.routes() == [
                "GET /items items-function 1.0", "ANY /items/{id} items-function 1.0", "GET /orders orders 1.0",
            ])
        // The event and the document name the same route of the same function: SAM merges them, no warning.
        #expect(!run.lines.contains { $0.contains("duplicates") }, "\(run.lines)")
        #expect(
            run.diagnostics.contains {
                $0.hasPrefix("template.yaml:11:23: warning: integration of type \"aws\" for function items-function")
                    && $0.contains("(/legacy POST in the included document)")
            }, "\(run.lines)")
        #expect(
            run.diagnostics.contains {
                $0.hasPrefix("template.yaml:11:23: warning: integration invokes function \"other\"")
            }, "\(run.lines)")
        // A REST API's AWS service integration (SQS) loses its route: warned, as an HTTP API's service integration
        // is (it was skipped silently, which docs/sam-support.md contradicted).
        #expect(
            run.diagnostics.contains {
                $0
                    == "template.yaml:11:23: warning: integration of type \"aws\" to the AWS service sqs (an AWS service integration) is not supported by the box (/queue POST in the included document); route ignored"
            }, "\(run.lines)")
    }

    @Test func anInlineHTTPAPIDocumentKeepsItsPayloadVersionAndDefaultRoute() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              ItemsApi:
                Type: AWS::Serverless::HttpApi
                Properties:
                  DefinitionBody:
                    openapi: 3.0.1
                    paths:
                      /items:
                        post:
                          x-amazon-apigateway-integration:
                            type: aws_proxy
                            payloadFormatVersion: "2.0"
                            uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${ItemsFunction.Arn}/invocations
                      $default:
                        x-amazon-apigateway-any-method:
                          x-amazon-apigateway-integration:
                            type: aws_proxy
                            uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${OrdersFunction.Arn}/invocations
                      /arn:
                        get:
                          x-amazon-apigateway-integration:
                            type: aws_proxy
                            uri: !GetAtt OrdersFunction.Arn
                            payloadFormatVersion: "2.0"
                      /bad:
                        get:
                          x-amazon-apigateway-integration:
                            type: aws_proxy
                            uri: https://example.com/bad
                      /queue:
                        post:
                          x-amazon-apigateway-integration:
                            type: aws_proxy
                            integrationSubtype: SQS-SendMessage
                            payloadFormatVersion: "1.0"
              ItemsFunction:
                Type: AWS::Serverless::Function
                Properties: {CodeUri: src/, Handler: app.handler, Runtime: python3.12}
              OrdersFunction:
                Type: AWS::Serverless::Function
                Properties: {FunctionName: orders, CodeUri: src/, Handler: app.handler, Runtime: python3.12}

            """
        let run = try Self.generate(["template.yaml": template])
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        // `$default` is everything; without payloadFormatVersion, API Gateway's default 1.0. An HTTP API takes the
        // function's ARN as its URI too; a URI that names no function is said, and left out.
        #expect(
            try run.routes() == [
                "ANY / orders 1.0", "GET /arn orders 2.0", "POST /items items-function 2.0", "ANY /{proxy+} orders 1.0",
            ])
        #expect(run.lines.contains { $0.contains("integration URI does not name a Lambda function") }, "\(run.lines)")
        #expect(
            run.diagnostics.contains {
                $0.hasPrefix(
                    "template.yaml:32:13: warning: integration \"SQS-SendMessage\" (an AWS service integration)")
            }, "\(run.lines)")
    }

    // Was: a route of a function left out by --skip-unsupported also warned "not a function of this template".
    @Test func aFunctionLeftOutLosesItsDocumentRoutesWithoutASecondMessage() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              ItemsApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
                  DefinitionBody:
                    paths:
                      /items:
                        get:
                          x-amazon-apigateway-integration:
                            type: aws_proxy
                            uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${JavaFunction.Arn}/invocations
                      /orders:
                        get:
                          x-amazon-apigateway-integration:
                            type: aws_proxy
                            uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${OrdersFunction.Arn}/invocations

            """ + Self.functions + """
                  JavaFunction:
                    Type: AWS::Serverless::Function
                    Properties: {CodeUri: src/, Handler: app.Handler::handle, Runtime: java21}

                """
        let folder = try Self.generate(["template.yaml": template]).folder
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var request = GenerateRequest()
        request.template = folder + "/template.yaml"
        request.output = folder + "/out"
        request.skipUnsupported = true
        let recorder = GenerateCommandTests.Recorder()
        #expect(GenerateCommandRunner.run(request, console: recorder.console) == 0, "\(recorder.all)")
        let run = Run(status: 0, folder: folder, lines: recorder.all)
        #expect(try run.routes() == ["GET /orders orders 1.0"])
        #expect(
            run.diagnostics.count { $0.contains("JavaFunction") || $0.contains("java-function") } == 1, "\(run.lines)")
    }

    // Was: the event was kept. SAM adds an event's integration to an HTTP API's document only where the document
    // has none, so the document's function serves the route.
    @Test func anHTTPAPIDocumentWinsOverAnEventForTheSameRoute() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              ItemsApi:
                Type: AWS::Serverless::HttpApi
                Properties:
                  DefinitionBody:
                    openapi: 3.0.1
                    paths:
                      /items:
                        post:
                          x-amazon-apigateway-integration:
                            type: aws_proxy
                            payloadFormatVersion: "1.0"
                            uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${OrdersFunction.Arn}/invocations
              ItemsFunction:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: src/
                  Handler: app.handler
                  Runtime: python3.12
                  Events:
                    Post: {Type: HttpApi, Properties: {ApiId: !Ref ItemsApi, Path: /items, Method: post}}
                    Get: {Type: HttpApi, Properties: {ApiId: !Ref ItemsApi, Path: /items, Method: get}}
              OrdersFunction:
                Type: AWS::Serverless::Function
                Properties: {FunctionName: orders, CodeUri: src/, Handler: app.handler, Runtime: python3.12}

            """
        let run = try Self.generate(["template.yaml": template])
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        #expect(try run.routes() == ["GET /items items-function 2.0", "POST /items orders 1.0"])
        #expect(
            run.diagnostics.contains(
                "template.yaml:22:9: warning: route POST /items of items-function is dropped: the HttpApi's OpenAPI document (line 10) routes it to orders (payload 1.0), which wins as in SAM"
            ), "\(run.lines)")
    }

    @Test func includesEsbCannotReadAreWarningsWhereTheValueIsUnused() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              ItemsApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
                  DefinitionBody:
                    Fn::Transform:
                      Name: AWS::Include
                      Parameters:
                        Location: s3://bucket/api.yaml

            """ + Self.functions
        let run = try Self.generate(["template.yaml": template])
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        #expect(try run.routes() == ["GET /orders orders 1.0"])
        #expect(
            run.diagnostics.contains {
                $0.hasPrefix(
                    "template.yaml:8:9: warning: DefinitionBody is made by Fn::Transform from a document esb cannot read"
                )
            }, "\(run.lines)")

        // A DefinitionUri that is not a local file is the same: a warning, the events' routes stay.
        let remoteTemplate = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              ItemsApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
                  DefinitionUri: https://example.com/api.yaml

            """ + Self.functions
        let remote = try Self.generate(["template.yaml": remoteTemplate])
        defer { try? FileManager.default.removeItem(atPath: remote.folder) }
        #expect(remote.status == 0, "\(remote.lines)")
        #expect(try remote.routes() == ["GET /orders orders 1.0"])
        #expect(
            remote.diagnostics.contains {
                $0.hasPrefix("template.yaml:7:22: warning: DefinitionUri is not a local file (S3 or another URL)")
            }, "\(remote.lines)")

        // Where esb needs the value, it is still an error at the transform.
        let used = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              ItemsFunction:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: src/
                  Handler: app.handler
                  Runtime: python3.12
                  Environment:
                    Fn::Transform:
                      Name: AWS::Include
                      Parameters: {Location: s3://bucket/env.yaml}

            """
        let refused = try Self.generate(["template.yaml": used])
        defer { try? FileManager.default.removeItem(atPath: refused.folder) }
        #expect(refused.status == 1)
        #expect(
            refused.diagnostics.contains {
                $0.hasPrefix("template.yaml:10:9: error: Fn::Transform (AWS::Include or a macro) inserts text")
            }, "\(refused.lines)")
    }

    // Was: every parameter without a value was an error, also one only a certificate or an event's
    // AuthorizationScopes (which the box does not apply) used.
    @Test func aParameterWithoutValueIsAnErrorOnlyWhereEsbUsesIt() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              CertificateArn:
                Type: String
              TableName:
                Type: String
            Resources:
              Certificate:
                Type: AWS::ApiGateway::DomainName
                Properties:
                  RegionalCertificateArn: !Ref CertificateArn
              ItemsFunction:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: src/
                  Handler: app.handler
                  Runtime: python3.12
                  Environment:
                    Variables:
                      TABLE: !Ref TableName
                      TABLE_ARN: !Sub arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}
                  Events:
                    Get:
                      Type: HttpApi
                      Properties:
                        Path: /items
                        Method: get
                        Auth:
                          Authorizer: Cognito
                          AuthorizationScopes: [!Sub "admins-${CertificateArn}"]

            """
        let run = try Self.generate(["template.yaml": template])
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 1)
        #expect(
            run.diagnostics == [
                "template.yaml:3:3: warning: parameter CertificateArn has no Default and no --param; nothing esb generates uses it, so it stays unset",
                "template.yaml:5:3: error: parameter TableName has no Default; pass --param TableName=VALUE",
                "template.yaml:8:3: warning: resource type AWS::ApiGateway::DomainName is not supported by esb; Certificate is ignored",
                "template.yaml:29:27: warning: authorizer \"Cognito\" is not applied by the box; the route requires the box's JWT instead (auth: jwt)",
            ], "\(run.lines)")

        // With the value given, the run succeeds; the unused one still only warns.
        var request = GenerateRequest()
        request.template = run.folder + "/template.yaml"
        request.output = run.folder + "/out"
        request.parameters = ["TableName=items"]
        let recorder = GenerateCommandTests.Recorder()
        #expect(GenerateCommandRunner.run(request, console: recorder.console) == 0, "\(recorder.all)")
        let functions = try String(contentsOfFile: run.folder + "/out/functions.yml", encoding: .utf8)
        #expect(functions.contains("TABLE_ARN: \"arn:aws:dynamodb:ap-northeast-1:000000000000:table/items\""))
    }

    @Test(
        arguments: [
            (
                "arn:aws:apigateway:ap-northeast-1:lambda:path/2015-03-31/functions/arn:aws:lambda:ap-northeast-1:000000000000:function:items/invocations",
                "items"
            ),
            (
                "arn:aws:apigateway:r:lambda:path/2015-03-31/functions/arn:aws:lambda:r:1:function:items:live/invocations",
                "items"
            ),
            (
                "arn:aws:apigateway:r:lambda:path/2021-11-15/functions/arn:aws:lambda:r:1:function:chat/response-streaming-invocations",
                "chat"
            ),
            ("arn:aws:apigateway:r:sqs:path/1/queue", nil),
            ("arn:aws:lambda:r:1:function:items", "items"),
            ("arn:aws:lambda:r:1:function:items:live", "items"),
            ("arn:aws:sqs:r:1:function:items", nil),
            ("arn:aws:apigateway:r:lambda:path/2015-03-31/functions//invocations", nil),
        ] as [(String, String?)])
    func integrationURIsNameTheirFunction(_ uri: String, _ name: String?) {
        #expect(OpenAPIRouteReader.lambdaFunctionName(inIntegrationURI: uri) == name)
    }
}
