import Testing
@testable import GatewayService

/// `PoolTable`, the pools by name in an array: removing a pool moves the last one into its place, and every name must
/// still find its own pool afterwards (the state machine's tests reach removal only through eviction and the sweep).
@Suite struct PoolTableTests {
    static func pool(_ name: String) -> FunctionPool {
        FunctionPool(
            spec: PoolFunctionSpec(name: name, maxConcurrency: 1, timeout: .seconds(3), revision: "r"), now: .zero)
    }

    @Test func everyNameFindsItsPoolAfterRemovalsFromAnyPosition() {
        var table = PoolTable()
        let names = ["a", "b", "c", "d", "e"]
        for name in names { table[name] = Self.pool(name) }
        #expect(table.removeValue(forKey: "b")?.spec.name == "b")  // from the middle: "e" moves into its place
        #expect(table.removeValue(forKey: "e")?.spec.name == "e")  // the one that moved
        #expect(table.removeValue(forKey: "d")?.spec.name == "d")  // the last one
        #expect(table.removeValue(forKey: "b") == nil)
        table["b"] = nil
        #expect(Set(table.keys) == ["a", "c"] && table.count == 2)
        for name in ["a", "c"] { #expect(table[name]?.spec.name == name && table.contains(name)) }
        #expect(!table.contains("e") && table["e"] == nil)
        #expect(table.mapValues(\.spec.name) == ["a": "a", "c": "c"])
    }

    @Test func modifyChangesThePoolInPlaceAndIsNilForAnUnknownName() {
        var table = PoolTable()
        table["a"] = Self.pool("a")
        table["b"] = Self.pool("b")
        #expect(
            table.modify("a") { pool -> Int in
                pool.coming = 3
                return pool.coming
            } == 3)
        #expect(table["a"]?.coming == 3 && table["b"]?.coming == 0)
        #expect(table.modify("x") { _ in 1 } == nil)
        table["a"] = Self.pool("a")  // replacing keeps one entry
        #expect(table.count == 2 && table["a"]?.coming == 0)
    }
}
