import BoxCore
import Foundation
import Testing

@testable import ESBCommands
@testable import SAMGenerator

/// An HTTP API's OpenAPI document's `x-amazon-apigateway-cors` (AWS's HTTP API extension) as the `cors:` of the
/// API's routes, and SAM's merge of the `CorsConfiguration` property over it (docs/sam-support.md "CORS"). Every
/// expectation is on the routing.yml BoxCore's loader reads back, the gateway's.
@Suite("OpenAPI CORS extension")
struct OpenAPICORSTests {
    /// An `AWS::Serverless::HttpApi` whose inline document routes `GET <path>` to ItemsFunction, with `cors` (YAML
    /// lines at the document's level, not indented) in the document and `property` (lines of Properties) beside it.
    static func httpAPI(_ id: String, path: String, cors: String, property: String = "") -> String {
        func indented(_ text: String, _ spaces: Int) -> String {
            text.split(separator: "\n").map { String(repeating: " ", count: spaces) + $0 + "\n" }.joined()
        }
        return "  \(id):\n    Type: AWS::Serverless::HttpApi\n    Properties:\n" + indented(property, 6)
            + "      DefinitionBody:\n        openapi: \"3.0.1\"\n" + indented(cors, 8) + """
                        paths:
                          \(path):
                            get:
                              x-amazon-apigateway-integration:
                                type: aws_proxy
                                payloadFormatVersion: "2.0"
                                uri: !GetAtt ItemsFunction.Arn

                """
    }

    @Test func theExtensionMapsAsCorsConfigurationDoes() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              Frontend:
                Type: String
                Default: https://app.example.com
            Resources:
            \(Self.httpAPI("DocumentedApi", path: "/documented", cors: """
                x-amazon-apigateway-cors:
                  allowOrigins: [!Ref Frontend, "https://admin.example.com"]
                  allowMethods: [get, POST]
                  allowHeaders: [Content-Type]
                  exposeHeaders: [X-Request-Id]
                  maxAge: 600
                  allowCredentials: true
                """))
              RestApi:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: prod
                  DefinitionBody:
                    openapi: "3.0.1"
                    x-amazon-apigateway-cors:
                      allowOrigins: ["*"]
                    paths:
                      /rest:
                        get:
                          x-amazon-apigateway-integration:
                            type: aws_proxy
                            httpMethod: POST
                            uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${ItemsFunction.Arn}/invocations
            \(CORSTests.function("ItemsFunction", events: [("Event", "HttpApi", "/event", "DocumentedApi")]))
            """
        let project = try CORSTests.generate(template)
        let policies = try CORSTests.policies(project)
        let expected = CORSPolicy(
            allowOrigins: ["https://app.example.com", "https://admin.example.com"], allowMethods: ["GET", "POST"],
            allowHeaders: ["Content-Type"], exposeHeaders: ["X-Request-Id"], maxAge: 600, allowCredentials: true)
        #expect(policies["GET /documented"] == expected)
        // The API's CORS is the same on each of its routes, its functions' events' included.
        #expect(policies["GET /event"] == expected)
        // REST APIs have no such extension on AWS (their CORS is OPTIONS mock integrations): not applied.
        #expect(policies["GET /rest"] == .some(nil))
        #expect(!project.warnings.contains { $0.message.contains("x-amazon-apigateway-cors") }, "\(project.warnings)")
    }

    @Test func corsConfigurationIsMergedOverTheExtensionAndWins() throws {
        let document = """
            x-amazon-apigateway-cors:
              allowOrigins: ["https://document.example.com"]
              allowHeaders: [X-Document]
              maxAge: 60
            """
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
            \(Self.httpAPI("MergedApi", path: "/merged", cors: document, property: """
                CorsConfiguration:
                  AllowOrigins: ["https://property.example.com"]
                  AllowMethods: [GET]
                  MaxAge: 300
                """))
            \(Self.httpAPI("TrueApi", path: "/true", cors: document, property: "CorsConfiguration: true"))
            \(Self.httpAPI("FalseApi", path: "/false", cors: document, property: "CorsConfiguration: false"))
            \(Self.httpAPI("MethodsOnlyApi", path: "/methods-only", cors: document, property: """
                CorsConfiguration:
                  AllowMethods: [PUT]
                """))
            \(Self.httpAPI("NoOriginApi", path: "/no-origin", cors: """
                x-amazon-apigateway-cors:
                  allowMethods: [GET]
                """))
            \(CORSTests.function("ItemsFunction", events: []))
            """
        let policies = try CORSTests.policies(try CORSTests.generate(template))
        // Each setting the property gives replaces the document's; the document's others stay (SAM's merge).
        #expect(
            policies["GET /merged"]
                == CORSPolicy(
                    allowOrigins: ["https://property.example.com"], allowMethods: ["GET"], allowHeaders: ["X-Document"],
                    maxAge: 300))
        #expect(
            policies["GET /true"]
                == CORSPolicy(allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["*"], maxAge: 60))
        // `false` leaves the document as written, as SAM does.
        #expect(
            policies["GET /false"]
                == CORSPolicy(allowOrigins: ["https://document.example.com"], allowHeaders: ["X-Document"], maxAge: 60))
        #expect(
            policies["GET /methods-only"]
                == CORSPolicy(
                    allowOrigins: ["https://document.example.com"], allowMethods: ["PUT"], allowHeaders: ["X-Document"],
                    maxAge: 60))
        #expect(policies["GET /no-origin"] == .some(nil), "no origin anywhere: none is allowed, as on AWS")
    }

    @Test func globalsCorsConfigurationCountsAsTheProperty() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Globals:
              HttpApi:
                CorsConfiguration:
                  AllowOrigins: ["https://globals.example.com"]
            Resources:
            \(Self.httpAPI("DocumentedApi", path: "/documented", cors: """
                x-amazon-apigateway-cors:
                  allowOrigins: ["https://document.example.com"]
                  allowMethods: [DELETE]
                """))
            \(CORSTests.function("ItemsFunction", events: []))
            """
        let policies = try CORSTests.policies(try CORSTests.generate(template))
        #expect(
            policies["GET /documented"]
                == CORSPolicy(allowOrigins: ["https://globals.example.com"], allowMethods: ["DELETE"]))
    }

    @Test func anUnreadableExtensionIsAWarningAndLeavesTheRoutesWithoutCORS() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              Frontend:
                Type: String
            Resources:
            \(Self.httpAPI("BadMethodApi", path: "/bad-method", cors: """
                x-amazon-apigateway-cors:
                  allowOrigins: ["*"]
                  allowMethods: [FETCH]
                  allowOrigin: typo
                """))
            \(Self.httpAPI("ListApi", path: "/list", cors: "x-amazon-apigateway-cors: [a]"))
            \(Self.httpAPI("UnsetApi", path: "/unset", cors: """
                x-amazon-apigateway-cors:
                  allowOrigins: [!Ref Frontend]
                """))
            \(CORSTests.function("ItemsFunction", events: []))
            """
        let project = try CORSTests.generate(template)
        let policies = try CORSTests.policies(project)
        for key in ["GET /bad-method", "GET /list", "GET /unset"] {
            #expect(policies[key] == .some(nil), "\(key)")
        }
        let warnings = project.warnings.filter { $0.message.contains("x-amazon-apigateway-cors") }.map {
            "\($0.line): \($0.message)"
        }
        #expect(
            warnings.sorted()
                == [
                    "14: x-amazon-apigateway-cors property allowOrigin is not supported by esb; ignored",
                    "12: x-amazon-apigateway-cors allows \"FETCH\", which is not an HTTP method; the routes of BadMethodApi get no CORS",
                    "28: x-amazon-apigateway-cors must be a map, found a list; the routes of ListApi get no CORS",
                    "43: x-amazon-apigateway-cors depends on parameter Frontend, which has no value; the routes of UnsetApi get no CORS",
                ].sorted(), "\(warnings)")
    }

    @Test func theExtensionOfAnIncludedDocumentIsReadAndReportedAtItsLocation() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              IncludedApi:
                Type: AWS::Serverless::HttpApi
                Properties:
                  DefinitionBody:
                    Fn::Transform:
                      Name: AWS::Include
                      Parameters:
                        Location: api.yaml
              FileApi:
                Type: AWS::Serverless::HttpApi
                Properties:
                  DefinitionUri: bad.yaml
              ItemsFunction:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: src/
                  Handler: app.handler
                  Runtime: python3.12

            """
        func document(_ path: String, cors: String) -> String {
            """
            openapi: 3.0.1
            \(cors)
            paths:
              \(path):
                get:
                  x-amazon-apigateway-integration:
                    type: aws_proxy
                    payloadFormatVersion: "2.0"
                    uri: !GetAtt ItemsFunction.Arn

            """
        }
        let run = try APIDefinitionTests.generate([
            "template.yaml": template,
            "api.yaml": document(
                "/included", cors: "x-amazon-apigateway-cors: {allowOrigins: [\"https://app.example.com\"]}"),
            "bad.yaml": document("/file", cors: "x-amazon-apigateway-cors: {allowOrigins: [\"*\"], maxAge: -1}"),
        ])
        #expect(run.status == 0, "\(run.lines)")
        let text = try String(contentsOfFile: run.folder + "/out/routing.yml", encoding: .utf8)
        let routing = try RoutingConfig.parse(text, path: "routing.yml")
        let policies = Dictionary(uniqueKeysWithValues: routing.routes.map { ($0.routeKey, $0.cors) })
        #expect(policies["GET /included"] == CORSPolicy(allowOrigins: ["https://app.example.com"]))
        #expect(policies["GET /file"] == .some(nil))
        #expect(
            run.diagnostics.contains(
                "template.yaml:14:22: warning: x-amazon-apigateway-cors has a negative MaxAge (-1) (in the included OpenAPI document); the routes of FileApi get no CORS"
            ), "\(run.diagnostics)")
    }
}
