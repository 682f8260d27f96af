import BoxCore
import Testing

/// `routing.yml` loading (docs/contract.md §2.2): defaults, normalisation, the legacy form, every error with its position.
struct ConfigRoutingTests {
    @Test func sampleLoads() throws {
        let text = """
            routes:
              - path: "/api/users/{user_id}"
                method: "get"
                function: "lambda-users"
                payload_format: "1.0"
                auth: "jwt"
              - path: /api/items
                method: Post
                function: lambda-items
                payload_format: 2.0
                auth: NONE
              - path: /legacy/ping
                method: ANY
                function: {container: lambda-ping}
            """
        let config = try RoutingConfig.parse(text, path: "routing.yml")
        #expect(config.routes.count == 3)
        #expect(config.warnings.isEmpty)
        let r0 = config.routes[0]
        #expect(r0.path.template == "/api/users/{user_id}")
        #expect(r0.path.segments == [.literal("api"), .literal("users"), .parameter("user_id")])
        #expect(r0.method == .get && r0.function == "lambda-users" && r0.payloadFormat == .v1 && r0.auth == .jwt)
        #expect(r0.line == 2 && r0.column == 5)
        #expect(r0.routeKey == "GET /api/users/{user_id}")
        let r1 = config.routes[1]
        #expect(r1.method == .post && r1.payloadFormat == .v2 && r1.auth == .none && r1.line == 7)
        #expect(config.routes[2].function == "lambda-ping" && config.routes[2].method == .any)
        #expect(config.routes[2].routeKey == "ANY /legacy/ping")
    }

    @Test func defaultsAreVersion1AndJWT() throws {
        let config = try RoutingConfig.parse("routes:\n  - {path: /, method: GET, function: f}\n", path: "r")
        #expect(config.routes[0].payloadFormat == .v1)
        #expect(config.routes[0].auth == .jwt)
        #expect(config.routes[0].path.segments.isEmpty)
    }

    @Test(arguments: ["1", "1.0", "'1.0'", "\"1.0\""])
    func payloadFormatOneSpellings(_ spelling: String) throws {
        let config = try RoutingConfig.parse(
            "routes:\n  - {path: /, method: GET, function: f, payload_format: \(spelling)}", path: "r")
        #expect(config.routes[0].payloadFormat == .v1)
    }

    @Test(arguments: ["", "routes:\n", "routes: []\n"])
    func emptyConfigurations(_ text: String) throws {
        #expect(try RoutingConfig.parse(text, path: "r").routes.isEmpty)
    }

    @Test func legacyImageAndEnvironmentAreIgnoredWithWarnings() throws {
        let text = """
            routes:
              - path: /legacy
                method: GET
                function:
                  container: lambda-old
                  image: "lambda-old:1"
                  environment: {A: b}
            """
        let config = try RoutingConfig.parse(text, path: "routing.yml")
        #expect(config.routes[0].function == "lambda-old")
        #expect(
            config.warnings.map(\.description) == [
                "routing.yml:6:7: function.image is ignored here: set the function's image in functions.yml",
                "routing.yml:7:7: function.environment is ignored here: set the function's environment in functions.yml",
            ])
    }

    @Test func routingValuesAreNotSubstituted() throws {
        let config = try RoutingConfig.parse("routes:\n  - {path: /price$, method: GET, function: f}", path: "r")
        #expect(config.routes[0].path.segments == [.literal("price$")])
    }

    static let errorCases: [(text: String, line: String)] = [
        (
            "routes:\n  - path: api\n    method: GET\n    function: f\n",
            "r.yml:2:11: path \"api\": path must start with '/'"
        ),
        (
            "routes:\n  - path: /a/\n    method: GET\n    function: f\n",
            "r.yml:2:11: path \"/a/\": path must not end with '/'"
        ),
        (
            "routes:\n  - path: /a//b\n    method: GET\n    function: f\n",
            "r.yml:2:11: path \"/a//b\": path must not contain an empty segment ('//')"
        ),
        (
            "routes:\n  - path: /a/x{id}\n    method: GET\n    function: f\n",
            "r.yml:2:11: path \"/a/x{id}\": '{name}' must be a whole segment, found 'x{id}'"
        ),
        (
            "routes:\n  - path: /a/{p+}/b\n    method: GET\n    function: f\n",
            "r.yml:2:11: path \"/a/{p+}/b\": '{p+}' must be the last segment"
        ),
        (
            "routes:\n  - path: /a/{x}/{x}\n    method: GET\n    function: f\n",
            "r.yml:2:11: path \"/a/{x}/{x}\": parameter 'x' appears twice"
        ),
        (
            "routes:\n  - path: /a/{}\n    method: GET\n    function: f\n",
            "r.yml:2:11: path \"/a/{}\": '{name}' must be a whole segment, found '{}'"
        ),
        (
            "routes:\n  - path: /a/{a b}\n    method: GET\n    function: f\n",
            "r.yml:2:11: path \"/a/{a b}\": path must not contain whitespace"
        ),
        (
            "routes:\n  - path: /a/{a/b}\n    method: GET\n    function: f\n",
            "r.yml:2:11: path \"/a/{a/b}\": '{name}' must be a whole segment, found '{a'"
        ),
        (
            "routes:\n  - path: /a?x=1\n    method: GET\n    function: f\n",
            "r.yml:2:11: path \"/a?x=1\": path must not contain '?'"
        ),
        (
            "routes:\n  - path: /a\n    method: FETCH\n    function: f\n",
            "r.yml:3:13: method must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY, found \"FETCH\""
        ),
        ("routes:\n  - path: /a\n    function: f\n", "r.yml:2:5: missing key \"method\""),
        ("routes:\n  - path: /a\n    method: GET\n", "r.yml:2:5: missing key \"function\""),
        ("routes:\n  - method: GET\n    function: f\n", "r.yml:2:5: missing key \"path\""),
        (
            "routes:\n  - path: /a\n    method: GET\n    function: Bad!\n",
            "r.yml:4:15: invalid function name \"Bad!\": use 1 to 64 of A-Z a-z 0-9 _ - (AWS's rule; . is also accepted)"
        ),
        (
            "routes:\n  - path: /a\n    method: GET\n    function: [f]\n",
            "r.yml:4:15: function: expected a string, found a sequence"
        ),
        ("routes:\n  - path: /a\n    method: GET\n    function: {image: x}\n", "r.yml:4:15: missing key \"container\""),
        (
            "routes:\n  - path: /a\n    method: GET\n    function: {container: f, memory: 1}\n",
            "r.yml:4:30: unknown key \"memory\" (expected one of: container, environment, image)"
        ),
        (
            "routes:\n  - path: /a\n    method: GET\n    function: f\n    payload_format: \"3.0\"\n",
            "r.yml:5:21: payload_format must be \"1.0\" or \"2.0\", found \"3.0\""
        ),
        (
            "routes:\n  - path: /a\n    method: GET\n    function: f\n    auth: iam\n",
            "r.yml:5:11: auth must be \"jwt\" or \"none\", found \"iam\""
        ),
        (
            "routes:\n  - path: /a\n    method: GET\n    function: f\n    timeout: 3\n",
            "r.yml:5:5: unknown key \"timeout\" (expected one of: auth, cors, function, method, path, payload_format)"
        ),
        ("routes:\n  - path: /a\n    path: /b\n", "r.yml:3:5: duplicate key \"path\" (first at line 2)"),
        ("routes:\n  /a: f\n", "r.yml:2:3: routes: expected a sequence, found a mapping"),
        ("routes:\n  - /a\n", "r.yml:2:5: route: expected a mapping, found \"/a\""),
        ("route: []\n", "r.yml:1:1: unknown key \"route\" (expected one of: routes)"),
        ("routes: [\n", "r.yml:2:1: did not find expected node content (while parsing a flow node at 2:1)"),
        (
            "routes:\n  - {path: \"/a/{id}\", method: GET, function: f}\n  - {path: \"/a/{name}\", method: get, function: g}\n",
            "r.yml:3:5: duplicate route GET /a/{name}: same method and path as the route at line 2"
        ),
    ]

    @Test(arguments: errorCases)
    func errorsCarryFileLineColumn(text: String, line: String) {
        do {
            _ = try RoutingConfig.parse(text, path: "r.yml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == line)
        }
    }

    @Test func undefinedFunctionsAreReportedAtTheRoute() throws {
        let routing = try RoutingConfig.parse(
            "routes:\n  - {path: /a, method: GET, function: known}\n  - {path: /b, method: ANY, function: ghost}\n",
            path: "routing.yml")
        let functions = FunctionsConfig(path: "functions.yml", functions: [FunctionConfig(name: "known")])
        #expect(
            routing.undefinedFunctions(in: functions).map(\.description) == [
                "routing.yml:3:5: route ANY /b: function \"ghost\" is not defined in functions.yml"
            ])
    }
}

@Suite struct RoutingCORSDecodingTests {
    @Test func aCORSBlockIsDecodedWithItsDefaults() throws {
        let config = try RoutingConfig.parse(
            """
            routes:
              - path: /a
                method: GET
                function: f
                cors:
                  allow_origins: ["https://x.example", "*"]
                  allow_methods: [get, "*"]
                  allow_headers: [Content-Type]
                  expose_headers: [X-Id]
                  max_age: 600
                  allow_credentials: true
              - { path: /b, method: GET, function: f, cors: { allow_origins: "https://y.example" } }
              - { path: /c, method: GET, function: f }
            """, path: "routing.yml")
        #expect(
            config.routes[0].cors
                == CORSPolicy(
                    allowOrigins: ["https://x.example", "*"], allowMethods: ["GET", "*"],
                    allowHeaders: ["Content-Type"],
                    exposeHeaders: ["X-Id"], maxAge: 600, allowCredentials: true))
        #expect(config.routes[1].cors == CORSPolicy(allowOrigins: ["https://y.example"]))
        #expect(config.routes[2].cors == nil)
    }

    @Test(arguments: [
        ("cors: {allow_methods: [GET]}", "missing key \"allow_origins\""),
        ("cors: {allow_origins: []}", "cors.allow_origins must name at least one origin"),
        ("cors: {allow_origins: [\"*\"], allow_methods: [FETCH]}", "\"FETCH\" is not an HTTP method"),
        ("cors: {allow_origins: [\"*\"], max_age: -1}", "cors.max_age must not be negative"),
        ("cors: {allow_origins: [\"*\"], allow_credentials: maybe}", "cors.allow_credentials"),
        ("cors: {allow_origins: [\"*\"], origin: x}", "unknown key \"origin\""),
        ("cors: \"*\"", "cors: expected a mapping"),
    ])
    func aBadCORSBlockIsAnErrorAtItsPlace(_ yaml: String, _ message: String) throws {
        let text = "routes:\n  - { path: /a, method: GET, function: f, \(yaml) }\n"
        do {
            _ = try RoutingConfig.parse(text, path: "routing.yml")
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
            #expect("\(error)".contains("routing.yml:2:"), "\(error)")
        }
    }
}

@Test func theMethodsAtAPathCountAnyAsAllSeven() throws {
    let table = RoutingTable(
        try RoutingConfig.parse(
            """
            routes:
              - { path: /a, method: POST, function: f }
              - { path: /a, method: GET, function: f }
              - { path: "/b/{x}", method: ANY, function: f }
            """, path: "routing.yml"))
    #expect(table.methods(at: "/a") == ["GET", "POST"])
    #expect(table.methods(at: "/b/1") == ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
    #expect(table.methods(at: "/c") == [])
}

@Test func allowedOriginsEchoListedOnesAndSchemeWildcards() {
    let listed = CORSPolicy(allowOrigins: ["https://App.example", "http://*"])
    #expect(listed.allowedOrigin(for: "https://app.example") == "https://app.example")
    #expect(listed.allowedOrigin(for: "http://localhost:3000") == "http://localhost:3000")
    #expect(listed.allowedOrigin(for: "https://other.example") == nil)
    #expect(listed.allowedOrigin(for: "http://") == nil)
    #expect(CORSPolicy(allowOrigins: ["*"]).allowedOrigin(for: "https://x.example") == "*")
    #expect(
        CORSPolicy(allowOrigins: ["*"], allowCredentials: true).allowedOrigin(for: "https://x.example")
            == "https://x.example")
}
