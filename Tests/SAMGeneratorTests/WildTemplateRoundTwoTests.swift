import BoxCore
import Testing

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
}
