import BoxCore
import Testing

/// Route matching (docs/contract.md §2.2): precedence, methods, 405 lists, parameters, slashes and encodings.
struct RoutingTableTests {
    static func table(_ routes: [(String, RouteMethod, String)]) throws -> RoutingTable {
        RoutingTable(
            routes: try routes.map { (path: String, method: RouteMethod, function: String) throws(RoutePathError) in
                Route(path: try RoutePath(parsing: path), method: method, function: function)
            })
    }

    static let routes: [(String, RouteMethod, String)] = [
        ("/api/users/{id}", .get, "user-by-id"),
        ("/api/users/me", .get, "me"),
        ("/api/users/{id}", .delete, "delete-user"),
        ("/api/users/{id}/posts/{post}", .get, "post"),
        ("/api/{proxy+}", .any, "api-proxy"),
        ("/api/users/{rest+}", .get, "users-rest"),
        ("/files/{path+}", .get, "files"),
        ("/", .get, "root"),
        ("/items", .any, "items-any"),
        ("/items", .post, "items-post"),
        ("/dup/{a}", .get, "first"),
        ("/dup/{b}", .get, "second"),
        ("/caf%C3%A9", .get, "cafe"),
        ("/odd/{x}/z", .get, "odd-param"),
        ("/odd/y/{z+}", .get, "odd-greedy"),
    ]

    static let cases: [(method: String, path: String, function: String?, parameters: [String: String])] = [
        ("GET", "/api/users/me", "me", [:]),
        ("GET", "/api/users/42", "user-by-id", ["id": "42"]),
        ("DELETE", "/api/users/42", "delete-user", ["id": "42"]),
        ("GET", "/api/users/42/posts/7", "post", ["id": "42", "post": "7"]),
        // {param+} beats nothing but is beaten by literal and {param}; then the ANY proxy catches the rest.
        ("GET", "/api/users/42/other", "users-rest", ["rest": "42/other"]),
        ("POST", "/api/users/42", "api-proxy", ["proxy": "users/42"]),
        ("PROPFIND", "/api/x", "api-proxy", ["proxy": "x"]),
        ("GET", "/files/a/b/c.txt", "files", ["path": "a/b/c.txt"]),
        ("GET", "/files/a%2Fb/c%20d", "files", ["path": "a/b/c d"]),
        ("GET", "/", "root", [:]),
        // A specific method beats ANY on the same path; ANY takes the others.
        ("POST", "/items", "items-post", [:]),
        ("GET", "/items", "items-any", [:]),
        ("PATCH", "/items/", "items-any", [:]),
        // Equal specificity: file order.
        ("GET", "/dup/x", "first", ["a": "x"]),
        // Percent-decoding: of parameters, and before comparing literal segments; %2F does not split.
        ("GET", "/api/users/a%20b", "user-by-id", ["id": "a b"]),
        ("GET", "/api/users/a%2Fb", "user-by-id", ["id": "a/b"]),
        ("GET", "/api/users/m%65", "me", [:]),
        ("GET", "/café", "cafe", [:]),
        ("GET", "/caf%C3%A9", "cafe", [:]),
        ("GET", "/api/users/%zz", "user-by-id", ["id": "%zz"]),
        ("GET", "/api/users/a+b", "user-by-id", ["id": "a+b"]),
        // One trailing slash is ignored.
        ("GET", "/api/users/me/", "me", [:]),
        ("GET", "/api/users/42/", "user-by-id", ["id": "42"]),
        // Literal first at segment 2 wins over a later, longer match.
        ("GET", "/odd/y/z", "odd-greedy", ["z": "z"]),
        ("GET", "/odd/q/z", "odd-param", ["x": "q"]),
        // Not found.
        ("GET", "/nothing", nil, [:]),
        ("GET", "", nil, [:]),
        ("GET", "api/users/me", nil, [:]),
        ("GET", "/files", nil, [:]),
        ("GET", "/files/", nil, [:]),
        // Empty segments match no literal or {param}; a {param+} takes them as they are.
        ("GET", "/api/users/me//", "users-rest", ["rest": "me/"]),
        ("GET", "/dup//", nil, [:]),
        ("GET", "/Items", nil, [:]),
    ]

    @Test(arguments: cases)
    func matches(method: String, path: String, function: String?, parameters: [String: String]) throws {
        let table = try Self.table(Self.routes)
        switch table.match(method: method, path: path) {
        case .matched(let route, let got):
            #expect(route.function == function)
            #expect(got == parameters)
        case .notFound:
            #expect(function == nil, "no route")
        case .methodNotAllowed(let allowed):
            Issue.record("405 \(allowed)")
        }
    }

    @Test func methodNotAllowedListsEveryMethodRoutedAtThePath() throws {
        let table = try Self.table([
            ("/a/{id}", .get, "f"), ("/a/{id}", .delete, "f"), ("/a/b", .post, "g"), ("/a/{p+}", .head, "h"),
            ("/z", .options, "z"),
        ])
        #expect(
            table.match(method: "PUT", path: "/a/b") == .methodNotAllowed(allowed: ["GET", "POST", "DELETE", "HEAD"]))
        #expect(table.match(method: "PUT", path: "/a/c") == .methodNotAllowed(allowed: ["GET", "DELETE", "HEAD"]))
        #expect(table.match(method: "GET", path: "/a/c/d") == .methodNotAllowed(allowed: ["HEAD"]))
        #expect(table.match(method: "get", path: "/z") == .methodNotAllowed(allowed: ["OPTIONS"]))
        #expect(table.match(method: "GET", path: "/y") == .notFound)
        // A more general route that takes the method wins over a 405 from a more specific one.
        guard case .matched(let route, _) = table.match(method: "GET", path: "/a/b") else {
            Issue.record("expected a match")
            return
        }
        #expect(route.function == "f")
    }

    @Test func emptyTableFindsNothing() {
        #expect(RoutingTable(routes: []).match(method: "GET", path: "/") == .notFound)
    }

    @Test func substringPathsMatchLikeStrings() throws {
        let table = try Self.table(Self.routes)
        let target = "/api/users/42?x=1"
        let path = target[..<target.firstIndex(of: "?")!]
        #expect(table.match(method: "GET", path: path) == table.match(method: "GET", path: "/api/users/42"))
    }

    @Test func builtFromConfigKeepsFileOrderAndAttributes() throws {
        let config = try RoutingConfig.parse(
            "routes:\n  - {path: '/v2/{x}', method: GET, function: b, payload_format: '2.0', auth: none}\n", path: "r")
        let table = RoutingTable(config)
        guard case .matched(let route, let parameters) = table.match(method: "GET", path: "/v2/hello") else {
            Issue.record("expected a match")
            return
        }
        #expect(route.payloadFormat == .v2 && route.auth == .none && route.line == 2)
        #expect(parameters == ["x": "hello"])
        #expect(table.routes == config.routes)
    }
}
