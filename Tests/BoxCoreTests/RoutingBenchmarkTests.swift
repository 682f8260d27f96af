import BoxCore
import Foundation
import Testing

/// A micro-benchmark of `RoutingTable.match`, not a test: it prints figures and asserts nothing about time.
/// Enabled only with `ESB_BENCH=1` (reported as skipped otherwise); run it optimised:
/// `ESB_BENCH=1 swift test -c release --filter RoutingBenchmark`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["ESB_BENCH"] == "1"))
struct RoutingBenchmarkTests {
    @Test func matchThroughput() throws {
        var routes: [Route] = []
        // 200 routes shaped like a generated API: resources with ids, nested collections, a catch-all.
        for i in 0..<50 {
            routes.append(Route(path: try RoutePath(parsing: "/api/v1/res\(i)"), method: .get, function: "f\(i)"))
            routes.append(Route(path: try RoutePath(parsing: "/api/v1/res\(i)"), method: .post, function: "f\(i)"))
            routes.append(Route(path: try RoutePath(parsing: "/api/v1/res\(i)/{id}"), method: .any, function: "f\(i)"))
            routes.append(
                Route(
                    path: try RoutePath(parsing: "/api/v1/res\(i)/{id}/items/{item}"), method: .get, function: "f\(i)"))
        }
        routes.append(Route(path: try RoutePath(parsing: "/static/{path+}"), method: .get, function: "static"))
        let table = RoutingTable(routes: routes)
        let requests: [(String, String)] = [
            ("GET", "/api/v1/res37"), ("PUT", "/api/v1/res12/12345"), ("GET", "/api/v1/res49/abc/items/x%20y"),
            ("GET", "/static/css/site/main.css"), ("GET", "/nope/x"), ("DELETE", "/api/v1/res3"),
        ]
        for (method, path) in requests {
            let n = 200_000
            var found = 0
            let clock = ContinuousClock()
            let elapsed = clock.measure {
                for _ in 0..<n {
                    if case .matched = table.match(method: method, path: path) { found += 1 }
                }
            }
            let ns = Double(elapsed.components.attoseconds) / 1e9 + Double(elapsed.components.seconds) * 1e9
            print(
                "routing bench: \(method) \(path): \(String(format: "%.0f", ns / Double(n))) ns/match (\(found == n ? "matched" : "not matched"), 201 routes)"
            )
        }
    }
}
