import BoxCore
import Foundation
import Testing
@testable import GatewayService

@Suite(.timeLimit(.minutes(5))) struct GatewayConfigStoreTests {
    static func files(functions: String, routing: String) throws -> (String, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gw-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let f = dir.appendingPathComponent("functions.yml").path, r = dir.appendingPathComponent("routing.yml").path
        try functions.write(toFile: f, atomically: true, encoding: .utf8)
        try routing.write(toFile: r, atomically: true, encoding: .utf8)
        return (f, r)
    }

    @Test func loadsBothFilesAndWarnsAboutUndefinedFunctions() throws {
        let (f, r) = try Self.files(
            functions: "functions:\n  echo:\n    environment: { GREETING: \"${WHO}\" }\n",
            routing:
                "routes:\n  - { path: \"/a\", method: \"GET\", function: \"echo\" }\n  - { path: \"/b\", method: \"GET\", function: \"ghost\" }\n"
        )
        let c = try GatewayConfiguration.load(functionsPath: f, routingPath: r, environment: ["WHO": "box"])
        #expect(c.functions["echo"]?.environment["GREETING"] == "box")
        #expect(c.routes.routes.count == 2)
        #expect(c.warnings.count == 1)
        #expect(c.warnings.first?.contains("ghost") == true)
        #expect(c.warnings.first?.hasPrefix(r + ":3:") == true)
    }

    @Test func missingFilesMeanNoFunctionsAndNoRoutes() throws {
        let c = try GatewayConfiguration.load(
            functionsPath: "/nonexistent/functions.yml", routingPath: "/nonexistent/routing.yml", environment: [:])
        #expect(c.functions.functions.isEmpty)
        #expect(c.routes.routes.isEmpty)
        #expect(c.warnings.count == 2)
    }

    /// §2.3: a broken file is an error with its position; the store keeps what it had.
    @Test func brokenFileIsRefusedAndTheStoreKeepsTheOldConfiguration() throws {
        let (f, r) = try Self.files(
            functions: "functions:\n  echo: {}\n",
            routing: "routes:\n  - { path: \"/a\", method: \"GET\", function: \"echo\" }\n")
        let store = GatewayConfigStore(
            try GatewayConfiguration.load(functionsPath: f, routingPath: r, environment: [:]))
        try "routes:\n  - path: [broken\n".write(toFile: r, atomically: true, encoding: .utf8)
        do {
            store.replace(with: try GatewayConfiguration.load(functionsPath: f, routingPath: r, environment: [:]))
            Issue.record("a broken routing.yml loaded")
        } catch {
            #expect(error.diagnostics.first?.description.hasPrefix(r + ":") == true)
        }
        #expect(store.current.routes.routes.count == 1)
        try "functions:\n  echo: {}\n  other: {}\n".write(toFile: f, atomically: true, encoding: .utf8)
        try "routes: []\n".write(toFile: r, atomically: true, encoding: .utf8)
        store.replace(with: try GatewayConfiguration.load(functionsPath: f, routingPath: r, environment: [:]))
        #expect(store.current.functions.names == ["echo", "other"])
        #expect(store.current.routes.routes.isEmpty)
    }
}
