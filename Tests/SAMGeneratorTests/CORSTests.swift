import BoxCore
import Foundation
import Testing

@testable import ESBCommands
@testable import SAMGenerator

/// A SAM API's `Cors` / an HTTP API's `CorsConfiguration` (with `Globals.Api` / `Globals.HttpApi`) as the `cors:` of
/// its routes in `routing.yml` (docs/sam-support.md "CORS"). Every expectation is on the routing.yml BoxCore's
/// loader reads back, the gateway's.
@Suite("API CORS settings")
struct CORSTests {
    /// `esb generate` over `template` (inline code only, so no folder is needed).
    static func generate(_ template: String) throws -> GeneratedProject {
        try ProjectGenerator.generate(
            templateText: template, options: Fixtures.options(template: "cors-inline", file: "template.yaml"),
            fileSystem: LocalFileSystem())
    }

    /// The routes of the generated routing.yml as the box loads them: `METHOD /path` → its CORS policy.
    static func policies(_ project: GeneratedProject) throws -> [String: CORSPolicy?] {
        let text = project.files.first { $0.path == "routing.yml" }?.contents ?? ""
        let routing = try RoutingConfig.parse(text, path: "routing.yml")
        #expect(routing.warnings.isEmpty)
        return Dictionary(uniqueKeysWithValues: routing.routes.map { ($0.routeKey, $0.cors) })
    }

    /// A function with inline code and one `Api`/`HttpApi` event per `events` entry (`name: [Type, path, api]`).
    static func function(_ name: String, events: [(String, String, String, String?)]) -> String {
        var text = """
              \(name):
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: index.handler
                  InlineCode: "def handler(event, context):\\n    return {}\\n"
                  Events:

            """
        for (event, type, path, api) in events {
            text += """
                        \(event):
                          Type: \(type)
                          Properties:
                            Path: \(path)
                            Method: get

                """
            if let api { text += "            \(type == "Api" ? "RestApiId" : "ApiId"): !Ref \(api)\n" }
        }
        return text
    }

    // MARK: REST APIs

    @Test func theStringFormIsTheOriginOnly() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              SiteApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
                  Cors: "'https://app.example.com'"
              BareApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
                  Cors: https://bare.example.com
            \(Self.function("ItemsFunction", events: [
                ("Site", "Api", "/items", "SiteApi"), ("Bare", "Api", "/bare", "BareApi"),
                ("Implicit", "Api", "/implicit", nil),
            ]))
            """
        let project = try Self.generate(template)
        let policies = try Self.policies(project)
        #expect(policies["GET /items"] == CORSPolicy(allowOrigins: ["https://app.example.com"]))
        #expect(policies["GET /bare"] == CORSPolicy(allowOrigins: ["https://bare.example.com"]), "used as is")
        #expect(policies["GET /implicit"] == .some(nil), "the implicit API has no Cors without Globals")
        let text = project.files.first { $0.path == "routing.yml" }?.contents ?? ""
        #expect(text.contains("    cors:\n      allow_origins: [\"https://app.example.com\"]\n"))
        // CORS is applied now: the API's warning no longer says otherwise.
        let apiWarnings = project.warnings.filter { $0.message.hasPrefix("AWS::Serverless::Api settings") }
        #expect(apiWarnings.count == 2)
        #expect(!apiWarnings.contains { $0.message.contains("CORS") })
    }

    @Test func theObjectFormMergesWithGlobalsAndTheAPIsOwnWins() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              Frontend:
                Type: String
                Default: https://app.example.com
            Globals:
              Api:
                Cors:
                  AllowOrigin: "'*'"
                  AllowMethods: "'GET, POST,OPTIONS'"
                  AllowHeaders: "'Content-Type,X-Amz-Date, Authorization'"
                  MaxAge: "'600'"
            Resources:
              OwnApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
                  Cors:
                    AllowOrigin: !Sub "'${Frontend}'"
                    MaxAge: 300
                    AllowCredentials: true
              StringApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
                  Cors: "'https://other.example.com'"
              GlobalApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
            \(Self.function("ItemsFunction", events: [
                ("Own", "Api", "/own", "OwnApi"), ("String", "Api", "/string", "StringApi"),
                ("Global", "Api", "/global", "GlobalApi"), ("Implicit", "Api", "/implicit", nil),
            ]))
            """
        let project = try Self.generate(template)
        let policies = try Self.policies(project)
        let globals = CORSPolicy(
            allowOrigins: ["*"], allowMethods: ["GET", "POST", "OPTIONS"],
            allowHeaders: ["Content-Type", "X-Amz-Date", "Authorization"], maxAge: 600)
        #expect(policies["GET /implicit"] == globals, "Globals.Api applies to the implicit API")
        #expect(policies["GET /global"] == globals)
        // SAM merges a Globals map into the resource's map key by key; the resource's keys win.
        #expect(
            policies["GET /own"]
                == CORSPolicy(
                    allowOrigins: ["https://app.example.com"], allowMethods: ["GET", "POST", "OPTIONS"],
                    allowHeaders: ["Content-Type", "X-Amz-Date", "Authorization"], maxAge: 300,
                    allowCredentials: true))
        // A string and a map are not merged: the resource's own value replaces Globals'.
        #expect(policies["GET /string"] == CORSPolicy(allowOrigins: ["https://other.example.com"]))
        #expect(!project.warnings.contains { $0.message.contains("Globals.Api") })
    }

    // MARK: HTTP APIs

    @Test func httpAPIsTakeTrueOrTheObjectForm() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Globals:
              HttpApi:
                CorsConfiguration:
                  AllowOrigins: ["https://app.example.com", "https://admin.example.com"]
                  AllowMethods: [get, POST]
                  AllowHeaders: [Content-Type]
                  ExposeHeaders: [X-Request-Id]
                  MaxAge: 600
                  AllowCredentials: true
            Resources:
              OpenApi:
                Type: AWS::Serverless::HttpApi
                Properties:
                  CorsConfiguration: true
              ClosedApi:
                Type: AWS::Serverless::HttpApi
                Properties:
                  CorsConfiguration: false
            \(Self.function("ItemsFunction", events: [
                ("Open", "HttpApi", "/open", "OpenApi"), ("Closed", "HttpApi", "/closed", "ClosedApi"),
                ("Implicit", "HttpApi", "/implicit", nil), ("Rest", "Api", "/rest", nil),
            ]))
            """
        let project = try Self.generate(template)
        let policies = try Self.policies(project)
        #expect(policies["GET /open"] == CORSPolicy(allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["*"]))
        #expect(policies["GET /closed"] == .some(nil), "false replaces Globals' map: no CORS")
        #expect(
            policies["GET /implicit"]
                == CORSPolicy(
                    allowOrigins: ["https://app.example.com", "https://admin.example.com"],
                    allowMethods: ["GET", "POST"], allowHeaders: ["Content-Type"], exposeHeaders: ["X-Request-Id"],
                    maxAge: 600, allowCredentials: true),
            "Globals.HttpApi applies to the implicit HTTP API")
        #expect(policies["GET /rest"] == .some(nil), "Globals.HttpApi is not the REST API's")
        let text = project.files.first { $0.path == "routing.yml" }?.contents ?? ""
        #expect(
            text.contains(
                """
                    cors:
                      allow_origins: ["https://app.example.com", "https://admin.example.com"]
                      allow_methods: ["GET", "POST"]
                      allow_headers: ["Content-Type"]
                      expose_headers: ["X-Request-Id"]
                      max_age: 600
                      allow_credentials: true

                """))
    }

    // MARK: OpenAPI documents

    @Test func routesOfAnAPIsOpenAPIDocumentGetItsCORS() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              DocumentedApi:
                Type: AWS::Serverless::HttpApi
                Properties:
                  CorsConfiguration:
                    AllowOrigins: ["https://app.example.com"]
                  DefinitionBody:
                    openapi: "3.0.1"
                    paths:
                      /documented:
                        get:
                          x-amazon-apigateway-integration:
                            type: aws_proxy
                            payloadFormatVersion: "2.0"
                            uri: !GetAtt ItemsFunction.Arn
            \(Self.function("ItemsFunction", events: [("Plain", "HttpApi", "/plain", nil)]))
            """
        let policies = try Self.policies(try Self.generate(template))
        #expect(policies["GET /documented"] == CORSPolicy(allowOrigins: ["https://app.example.com"]))
        #expect(policies["GET /plain"] == .some(nil))
    }

    // MARK: What cannot be applied

    @Test func unreadableSettingsAreWarningsAndLeaveTheRoutesWithoutCORS() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              Frontend:
                Type: String
            Resources:
              Distribution:
                Type: AWS::CloudFront::Distribution
                Properties: {}
              AwsOnlyApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
                  Cors:
                    AllowOrigin: !GetAtt Distribution.DomainName
              UnsetApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
                  Cors: !Sub "'${Frontend}'"
              BadMethodApi:
                Type: AWS::Serverless::HttpApi
                Properties:
                  CorsConfiguration:
                    AllowOrigins: ["*"]
                    AllowMethods: [FETCH]
              NoOriginApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
                  Cors:
                    AllowMethods: "'GET'"
              NegativeApi:
                Type: AWS::Serverless::HttpApi
                Properties:
                  CorsConfiguration:
                    AllowOrigins: ["*"]
                    MaxAge: -5
              ControlApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
                  Cors:
                    AllowOrigin: "'*'"
                    AllowHeaders: "'X-Line\\nBreak'"
              FineApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
                  Cors: "'*'"
            \(Self.function("ItemsFunction", events: [
                ("AwsOnly", "Api", "/aws-only", "AwsOnlyApi"), ("Unset", "Api", "/unset", "UnsetApi"),
                ("BadMethod", "HttpApi", "/bad-method", "BadMethodApi"), ("NoOrigin", "Api", "/no-origin", "NoOriginApi"),
                ("Negative", "HttpApi", "/negative", "NegativeApi"), ("Control", "Api", "/control", "ControlApi"),
                ("Fine", "Api", "/fine", "FineApi"),
            ]))
            """
        let project = try Self.generate(template)
        let policies = try Self.policies(project)
        for key in [
            "GET /aws-only", "GET /unset", "GET /bad-method", "GET /negative", "GET /control",
        ] {
            #expect(policies[key] == .some(nil), "\(key)")
        }
        #expect(policies["GET /fine"] == CORSPolicy(allowOrigins: ["*"]), "one API's problem is not another's")
        // A map without AllowOrigin: SAM's default, any origin.
        #expect(policies["GET /no-origin"] == CORSPolicy(allowOrigins: ["*"], allowMethods: ["GET"]))
        let lost = project.warnings.filter { $0.message.contains("get no CORS") }.map(\.message)
        #expect(
            lost.sorted() == [
                "Cors depends on a value known only on AWS; the routes of AwsOnlyApi get no CORS",
                "Cors depends on parameter Frontend, which has no value; the routes of UnsetApi get no CORS",
                "Cors has a control character in \"X-Line\\nBreak\"; the routes of ControlApi get no CORS",
                "CorsConfiguration allows \"FETCH\", which is not an HTTP method; the routes of BadMethodApi get no CORS",
                "CorsConfiguration has a negative MaxAge (-5); the routes of NegativeApi get no CORS",
            ])
    }

    @Test(arguments: [
        ("'*'", "*"), ("'GET,POST'", "GET,POST"), ("https://a.example.com", "https://a.example.com"),
        (" 'x' ", "x"), ("'", "'"), ("''", ""), ("'a'b'", "a'b"),
    ])
    func restValuesLoseOnePairOfSingleQuotes(_ value: String, _ expected: String) {
        #expect(CORSReader.unquoted(value) == expected)
    }
}
