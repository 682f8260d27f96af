import BoxCore
import Testing

@testable import SAMGenerator

/// What the generator writes is what the Gateway and the Manager load: every golden functions.yml and
/// routing.yml goes through BoxCore's real loaders.
@Suite("Generated files load in the daemons")
struct ConfigContractTests {
    @Test(arguments: ["reference-e2e", "shop", "shop-prod", "node-json", "images", "wild/image-config"])
    func goldensLoad(_ golden: String) throws {
        let folder = Fixtures.golden + "/" + golden
        let functions = try FunctionsConfig.parse(
            try Fixtures.read(folder + "/functions.yml"), path: "functions.yml", environment: [:])
        let routing = try RoutingConfig.parse(try Fixtures.read(folder + "/routing.yml"), path: "routing.yml")
        #expect(!functions.functions.isEmpty)
        #expect(routing.warnings.isEmpty)
        let names = Set(functions.names)
        #expect(routing.routes.allSatisfy { names.contains($0.function) }, "every route names a generated function")
    }

    /// `$` is written as `$$` so that a literal `${orderId}` survives the load-time substitution.
    @Test func dollarsSurviveTheLoader() throws {
        let text = try Fixtures.read(Fixtures.golden + "/shop/functions.yml")
        let functions = try FunctionsConfig.parse(text, path: "functions.yml", environment: ["orderId": "SUBSTITUTED"])
        let orders = try #require(functions.functions.first { $0.name == "shop-orders-dev" })
        #expect(orders.environment["ORDER_TEMPLATE"] == "order-${orderId}")
        #expect(orders.environment["RECEIPTS_URL"]?.hasSuffix("/receipts/${orderId}") == true)
        #expect(orders.timeout == 20)
        #expect(orders.maxConcurrency == 4)
        let prod = try FunctionsConfig.parse(
            try Fixtures.read(Fixtures.golden + "/shop-prod/functions.yml"), path: "f.yml", environment: [:])
        #expect(prod.functions.first { $0.name == "shop-orders-prod" }?.minWarm == 2)
        let node = try FunctionsConfig.parse(
            try Fixtures.read(Fixtures.golden + "/node-json/functions.yml"), path: "f.yml", environment: [:])
        #expect(node.functions.first { $0.name == "events-api-test" }?.environment["PRICE"] == "$5 ${price}")
    }
}
