import BoxCore
import HTTP1
import Testing
@testable import GatewayService

/// docs/configuration.md "CORS": preflights answered by the Gateway without a token or a worker, and
/// `Access-Control-Allow-Origin` on the answers of routes with CORS settings (DispatcherHarness's `/cors` routes).
@Suite struct CORSTests {
    static let appOrigin = "https://app.example"

    func preflight(
        _ h: DispatcherHarness, _ path: String, origin: String = appOrigin, method: String = "POST",
        headers: String? = nil
    ) async -> HTTPResponse {
        var fields: HTTPHeaders = ["Origin": origin, "Access-Control-Request-Method": method]
        if let headers { fields.add(name: "Access-Control-Request-Headers", value: headers) }
        return await h.send("OPTIONS", path, headers: fields)
    }

    @Test func aPreflightIsAnsweredWithoutATokenOrAWorker() async throws {
        let h = try DispatcherHarness()
        let r = await preflight(h, "/cors/items", headers: "content-type")
        #expect(r.status == 204 && r.body.isEmpty)
        #expect(r.headers["Access-Control-Allow-Origin"] == Self.appOrigin)
        #expect(r.headers["Vary"] == "Origin")
        // No allow_methods: the methods routed at the path, and OPTIONS.
        #expect(r.headers["Access-Control-Allow-Methods"] == "GET,POST,OPTIONS")
        #expect(r.headers["Access-Control-Allow-Headers"] == "Content-Type,Authorization")
        #expect(r.headers["Access-Control-Max-Age"] == "300")
        #expect(r.headers["Access-Control-Allow-Credentials"] == nil)
        #expect(r.headers["X-Request-Id"] != nil)
        #expect(h.invoker.recorded.isEmpty)
        #expect(h.logLines.contains { $0.contains("\"OPTIONS /cors/items 204\"") })
        // The head gate lets it through too: a preflight carries no token.
        let head = HTTPRequest(
            method: "OPTIONS", target: "/cors/items",
            headers: ["Origin": Self.appOrigin, "Access-Control-Request-Method": "GET", "Content-Length": "2"])
        guard case .admit = h.dispatcher.screen(head, peer: "127.0.0.1:1") else {
            Issue.record("the head gate refused a preflight")
            return
        }
    }

    @Test func aPreflightFromAnOriginNotListedGetsNoCORSHeaders() async throws {
        let h = try DispatcherHarness()
        let r = await preflight(h, "/cors/items", origin: "https://evil.example")
        #expect(r.status == 204)
        #expect(r.headers.fields.allSatisfy { !$0.name.lowercased().hasPrefix("access-control-") })
        #expect(h.invoker.recorded.isEmpty)
    }

    @Test func wildcardsEchoWhatThePreflightAsksAndCredentialsEchoTheOrigin() async throws {
        let h = try DispatcherHarness()
        let r = await preflight(h, "/cors/any/7", origin: "http://localhost:3000", method: "PUT", headers: "x-a, x-b")
        #expect(r.status == 204)
        // Browsers refuse `*` on a credentialed request: the origin is echoed.
        #expect(r.headers["Access-Control-Allow-Origin"] == "http://localhost:3000")
        #expect(r.headers["Access-Control-Allow-Credentials"] == "true")
        #expect(r.headers["Access-Control-Allow-Methods"] == "PUT")
        #expect(r.headers["Access-Control-Allow-Headers"] == "x-a, x-b")
        #expect(r.headers["Access-Control-Max-Age"] == nil)
    }

    @Test func answersOnARouteWithCORSCarryTheOrigin() async throws {
        let h = try DispatcherHarness()
        var headers = h.bearer()
        headers.add(name: "Origin", value: Self.appOrigin)
        let ok = await h.send("GET", "/cors/items", headers: headers)
        #expect(ok.status == 200 && ok.text == "hi")
        #expect(ok.headers["Access-Control-Allow-Origin"] == Self.appOrigin)
        #expect(ok.headers["Access-Control-Expose-Headers"] == "X-Trace")
        #expect(ok.headers["Vary"] == "Origin")
        // The Gateway's own refusals too, so that the page can read them.
        let unauthorized = await h.send("GET", "/cors/items", headers: ["Origin": Self.appOrigin])
        #expect(unauthorized.status == 401)
        #expect(unauthorized.headers["Access-Control-Allow-Origin"] == Self.appOrigin)
        let refusedHead = HTTPRequest(
            method: "POST", target: "/cors/items", headers: ["Origin": Self.appOrigin, "Content-Length": "2"])
        guard case .refuse(let answer) = h.dispatcher.screen(refusedHead, peer: "127.0.0.1:1") else {
            Issue.record("a POST without a token was admitted")
            return
        }
        #expect(answer.status == 401 && answer.headers["Access-Control-Allow-Origin"] == Self.appOrigin)
        // No Origin, or another one: nothing added.
        let plain = await h.send("GET", "/cors/items", headers: h.bearer())
        #expect(plain.headers["Access-Control-Allow-Origin"] == nil)
        var evil = h.bearer()
        evil.add(name: "Origin", value: "https://evil.example")
        #expect(await h.send("GET", "/cors/items", headers: evil).headers["Access-Control-Allow-Origin"] == nil)
        // Routes without CORS settings are untouched.
        var other = h.bearer()
        other.add(name: "Origin", value: Self.appOrigin)
        #expect(await h.send("GET", "/api/echo", headers: other).headers["Access-Control-Allow-Origin"] == nil)
    }

    @Test func aFunctionsOwnAllowOriginIsKept() async throws {
        let body = #"{"statusCode":200,"headers":{"Access-Control-Allow-Origin":"https://mine.example"},"body":"x"}"#
        let h = try DispatcherHarness(invoker: StandInInvoker(body: body))
        var headers = h.bearer()
        headers.add(name: "Origin", value: Self.appOrigin)
        let r = await h.send("GET", "/cors/items", headers: headers)
        #expect(r.headers.values(for: "Access-Control-Allow-Origin") == ["https://mine.example"])
    }

    /// An HTTP API with CORS ignores the backend's CORS headers (payload 2.0 routes); `https://*` is any https origin.
    @Test func onAPayload2RouteTheConfiguredHeadersReplaceTheFunctions() async throws {
        let body =
            #"{"statusCode":200,"headers":{"Access-Control-Allow-Origin":"https://mine.example","#
            + #""Access-Control-Max-Age":"5"},"body":"x"}"#
        let h = try DispatcherHarness(invoker: StandInInvoker(body: body))
        var headers = h.bearer()
        headers.add(name: "Origin", value: "https://any.example:8443")
        let r = await h.send("GET", "/cors/http", headers: headers)
        #expect(r.status == 200)
        #expect(r.headers.values(for: "Access-Control-Allow-Origin") == ["https://any.example:8443"])
        #expect(r.headers["Access-Control-Max-Age"] == nil)
        var plain = h.bearer()
        plain.add(name: "Origin", value: "http://any.example")
        let other = await h.send("GET", "/cors/http", headers: plain)
        #expect(other.headers.fields.allSatisfy { !$0.name.lowercased().hasPrefix("access-control-") })
    }

    @Test func anOptionsRouteReceivesThePreflightAndPlainOptionsIsRoutedAsUsual() async throws {
        let h = try DispatcherHarness()
        let own = await preflight(h, "/cors/own", method: "GET")
        #expect(own.status == 200 && own.text == "hi")
        #expect(h.invoker.recorded.count == 1)
        // OPTIONS without Access-Control-Request-Method is no preflight: no token, 401 before 405.
        let plain = await h.send("OPTIONS", "/cors/items", headers: ["Origin": Self.appOrigin])
        #expect(plain.status == 401)
        // A path without CORS settings: a preflight is routed as any request.
        #expect(await preflight(h, "/api/echo").status == 401)
    }
}
