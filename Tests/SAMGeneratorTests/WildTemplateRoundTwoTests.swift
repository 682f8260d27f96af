import BoxCore
import Foundation
import Testing

@testable import ESBCommands
@testable import SAMGenerator

/// Second round of public SAM template shapes (docs/sam-support.md), each compared with what AWS's SAM
/// translator deploys; fixtures under `Templates/wild/`.
extension WildTemplateTests {
    // An Api event on a REST API with its own OpenAPI document was served, though SAM adds no event route there.
    @Test func apiEventsOnADocumentedRestAPIAreServedOnlyWhereTheDocumentRoutesThem() throws {
        let project = try Self.generate(Self.options("documented-rest-api"))
        let (_, routing) = try Self.load(project)
        #expect(
            routing.routes.map { "\($0.routeKey) \($0.function)" } == [
                "GET /health orders-function", "GET /items items-function", "POST /orders orders-function",
            ])
        let dropped = project.warnings.filter { $0.message.contains("to which SAM adds no event route") }
        #expect(dropped.map(\.line) == [58, 64], "ANY / and POST /legacy, each at its event")
        #expect(dropped.first?.message.hasPrefix("route ANY / of items-function is not added: DocumentedApi") == true)
    }

    // The rule above first missed Globals.Api's MergeDefinitions, which merges the events into every document.
    @Test func mergeDefinitionsInGlobalsKeepsTheEventRoutes() throws {
        let project = try Self.generate(Self.options("merged-globals-api"))
        let (_, routing) = try Self.load(project)
        #expect(routing.routes.map(\.routeKey) == ["GET /items"])
        // MergeDefinitions is read, so the Globals.Api that only sets it is no warning.
        #expect(!project.warnings.contains { $0.message.contains("Globals.Api") })
    }

    // A plain RestApi / ApiGatewayV2 Api with an inline Body was ignored, though AWS serves its proxy routes.
    @Test func plainAPIsWithAnInlineBodyGiveTheirLambdaProxyRoutes() throws {
        let project = try Self.generate(Self.options("plain-api-body"))
        let (_, routing) = try Self.load(project)
        #expect(
            routing.routes.map { "\($0.routeKey) \($0.function) \($0.payloadFormat.rawValue)" } == [
                "GET /items items-function 1.0", "POST /orders orders-function 2.0",
            ])
        #expect(
            project.warnings.contains { $0.message.hasPrefix("route GET /items/{id} of items-function is not added") })
    }

    // A layer whose Content is in S3 (made at deploy time) stopped the run, though an ARN from elsewhere only warns.
    @Test func aLayerInS3IsLeftOutWithAWarning() throws {
        let project = try Self.generate(Self.options("layer-in-s3"))
        let dockerfile = Self.file(project, "functions/hello-function/Dockerfile")
        #expect(dockerfile.contains("COPY build/layers/shared-layer/ /opt/"))
        #expect(dockerfile.components(separatedBy: "COPY build/layers/").count == 2, "only the local layer")
        let s3 = project.warnings.filter { $0.message.contains("has its content in S3") }
        #expect(s3.map(\.line) == [12, 33], "at the layer and where the function uses it")
    }

    // SAM's embedded Connectors were "unknown resource attribute" warnings; they are IAM, with no effect here.
    @Test func embeddedConnectorsHaveNoEffect() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Table:
                Type: AWS::Serverless::SimpleTable
              WriterFunction:
                Type: AWS::Serverless::Function
                Connectors:
                  TableConn:
                    Properties:
                      Destination: {Id: Table}
                      Permissions: [Write]
                Properties: {CodeUri: src/, Handler: app.handler, Runtime: python3.12}

            """
        let run = try APIDefinitionTests.generate(["template.yaml": template])
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        #expect(!run.lines.contains { $0.contains("unknown resource attribute") }, "\(run.lines)")
        #expect(
            run.lines.contains { $0.hasPrefix("err: note: 1 setting(s) with no effect") && $0.contains("Connectors") })
    }

    // `!Ref OnEventsFunctionEvent`, the rule SAM makes for an event, was "unresolved reference".
    @Test func resourcesSAMMakesForEventsResolve() throws {
        let project = try Self.generate(Self.options("event-resources"))
        let (functions, _) = try Self.load(project)
        let environment = functions["on-connect-function"]?.environment ?? [:]
        #expect(environment["EVENT_RULE_NAME"] == "on-events-function-event")
        #expect(
            environment["EVENT_RULE_ARN"] == "arn:aws:events:ap-northeast-1:000000000000:rule/on-events-function-event")
    }

    // Fn::Select / Fn::Join over an attribute only AWS knows failed ("values must be a list") after its warning.
    @Test func picksFromAPlaceholderArePlaceholders() throws {
        let project = try Self.generate(Self.options("picked-placeholder"))
        let (functions, _) = try Self.load(project)
        let environment = functions["order-function"]?.environment ?? [:]
        #expect(environment["ENDPOINT_DNS"] == "<Select>")
        #expect(environment["ENDPOINT_IDS"] == "<Join>")
        #expect(project.warnings.filter { $0.message.contains("has no value outside AWS") }.count == 2)
    }

    // SAM's IgnoreGlobals resource attribute was an unknown attribute: the function still took every global.
    @Test func ignoreGlobalsTakesGlobalsAway() throws {
        let project = try Self.generate(Self.options("ignore-globals"))
        let (functions, _) = try Self.load(project)
        let settings = ["zip-function", "short-function", "image-function"].map {
            "\(functions[$0]?.timeout ?? 0)/\(functions[$0]?.memorySize ?? 0)/\(functions[$0]?.handler ?? "-")"
        }
        #expect(settings == ["30.0/512/app.handler", "3.0/512/app.handler", "3.0/128/-"])
        #expect(!project.warnings.contains { $0.message.contains("IgnoreGlobals") })
    }

    // Each of these parameters stopped the run ("has no Default"), though nothing esb generates uses it: a layer
    // ARN from elsewhere, the URI of an HTTP integration, the condition of a resource the box ignores.
    @Test func parametersOnlyAWSSideThingsUseNeedNoValue() throws {
        let project = try Self.generate(Self.options("unset-parameters"))
        let (functions, routing) = try Self.load(project)
        #expect(routing.routes.map(\.routeKey) == ["GET /hello"])
        #expect(functions.names == ["hello-function"])
        let unset = project.warnings.filter { $0.message.contains("nothing esb generates uses it") }
        #expect(unset.map(\.line) == [8, 10, 12])
        #expect(
            project.warnings.contains {
                $0.line == 47
                    && $0.message.hasPrefix(
                        "layer from parameter SharedLayerArn, which has no value, is taken as an ARN")
            })
        #expect(!Self.file(project, "functions/hello-function/Dockerfile").contains("COPY build/layers/"))
    }

    // An OpenAPI document included from a parameter's Location (an S3 URL at deploy time) needed its value; it
    // cannot be read either way, so the event's route is the best guess.
    @Test func anIncludeLocationFromAMissingParameterIsAWarning() throws {
        let project = try Self.generate(Self.options("unset-include-location"))
        let (_, routing) = try Self.load(project)
        #expect(routing.routes.map(\.routeKey) == ["GET /hello"])
        #expect(
            project.warnings.contains {
                $0.line == 17
                    && $0.message.hasPrefix(
                        "DefinitionBody is included from a Location that depends on parameter ApiDefinitionLocation")
            })
    }

    // A layer named after a parameter without a value also failed the name rule: one cause, two errors.
    @Test func aLayerNameFromAMissingParameterIsOneError() {
        let errors = Self.failure(Self.options("unset-layer-name"))?.errors.map(\.description) ?? []
        #expect(errors == ["template.yaml:7:3: error: parameter AppName has no Default; pass --param AppName=VALUE"])
    }
}
