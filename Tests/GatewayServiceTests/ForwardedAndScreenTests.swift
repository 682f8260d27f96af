import BoxCore
import BoxCrypto
import HTTP1
import Posix
import Reactor
import Testing
@testable import GatewayService

/// docs/gateway.md: the event's `X-Forwarded-For/-Port/-Proto` as API Gateway adds them (AWS's sample event carries
/// all three), and authentication decided from the request head (`GatewayDispatcher.screen`).
@Suite struct ForwardedHeadersTests {
    func event(_ h: DispatcherHarness, headers: HTTPHeaders = [:], peer: String = "127.0.0.1:40000") async throws
        -> JSONValue
    {
        let r = await h.dispatcher.handle(HTTPRequest(method: "GET", target: "/open", headers: headers), peer: peer)
        #expect(r.status == 200)
        return try JSONValue(parsing: try #require(h.invoker.recorded.last).payload)
    }

    @Test func theEventCarriesTheThreeHeadersInBothMaps() async throws {
        let h = try DispatcherHarness(extraEnv: ["GATEWAY_LISTEN": "0.0.0.0:8443"])
        let e = try await event(h, headers: ["Host": "box.local"])
        #expect(e["headers"]?["X-Forwarded-For"] == "127.0.0.1")
        #expect(e["headers"]?["X-Forwarded-Port"] == "8443")
        #expect(e["headers"]?["X-Forwarded-Proto"] == "https")
        #expect(e["multiValueHeaders"]?["X-Forwarded-For"] == .array([.string("127.0.0.1")]))
        #expect(e["requestContext"]?["identity"]?["apiKey"] == .null)
        #expect(e["requestContext"]?["identity"]?["apiKeyId"] == .null)
    }

    @Test func anUntrustedClientsForwardedHeadersAreReplaced() async throws {
        let h = try DispatcherHarness()
        let e = try await event(
            h,
            headers: [
                "x-forwarded-for": "6.6.6.6", "X-Forwarded-Port": "1", "X-Forwarded-Proto": "gopher",
            ])
        #expect(e["multiValueHeaders"]?["X-Forwarded-For"] == .array([.string("127.0.0.1")]))
        #expect(e["headers"]?["X-Forwarded-Port"] == "443" && e["headers"]?["X-Forwarded-Proto"] == "https")
        #expect(e["headers"]?["x-forwarded-for"] == nil)
    }

    @Test func aTrustedProxysListGetsThePeerAppended() async throws {
        let h = try DispatcherHarness(extraEnv: ["TRUSTED_PROXIES": "10.0.0.0/8"])
        let e = try await event(
            h, headers: ["X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "http", "X-Forwarded-Port": "80"],
            peer: "10.1.2.3:5555")
        #expect(e["headers"]?["X-Forwarded-For"] == "203.0.113.9, 10.1.2.3")
        #expect(e["headers"]?["X-Forwarded-Proto"] == "http" && e["headers"]?["X-Forwarded-Port"] == "80")
        #expect(e["requestContext"]?["identity"]?["sourceIp"] == "203.0.113.9")
    }

    /// docs/gateway.md "Event headers": what described only the client's connection is not the function's.
    @Test func connectionHeadersStayOutAndAChunkedBodyGetsItsLength() async throws {
        let h = try DispatcherHarness()
        let headers: HTTPHeaders = [
            "Host": "box.local", "Connection": "keep-alive, X-Hop", "X-Hop": "1", "Keep-Alive": "timeout=5",
            "TE": "trailers", "Upgrade": "h2c", "Proxy-Connection": "keep-alive", "Expect": "100-continue",
            "Transfer-Encoding": "chunked", "X-Kept": "yes",
        ]
        let r = await h.dispatcher.handle(
            HTTPRequest(method: "POST", target: "/open", headers: headers, body: Array("hello".utf8)),
            peer: "127.0.0.1:40000")
        #expect(r.status == 200)
        let e = try JSONValue(parsing: try #require(h.invoker.recorded.last).payload)
        guard case .object(let sent)? = e["headers"] else {
            Issue.record("no headers object")
            return
        }
        #expect(
            sent.members.map(\.key) == [
                "Host", "Content-Length", "X-Kept", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto",
                "X-Amzn-Trace-Id",
            ])
        #expect(e["headers"]?["Content-Length"] == "5")
        #expect(e["multiValueHeaders"]?["Connection"] == nil && e["multiValueHeaders"]?["X-Hop"] == nil)
    }

    @Test func version2EventsCarryThemLowerCase() async throws {
        let h = try DispatcherHarness()
        let r = await h.send("GET", "/api/items/7", headers: h.bearer())
        #expect(r.status == 200)
        let e = try JSONValue(parsing: try #require(h.invoker.recorded.last).payload)
        #expect(e["headers"]?["x-forwarded-for"] == "127.0.0.1" && e["headers"]?["x-forwarded-proto"] == "https")
    }
}

@Suite struct HeadScreenTests {
    func screen(_ h: DispatcherHarness, _ method: String, _ target: String, _ headers: HTTPHeaders = [:])
        -> HTTPResponse?
    {
        let verdict = h.dispatcher.screen(
            HTTPRequest(method: method, target: target, headers: headers), peer: "127.0.0.1:1")
        if case .refuse(let response) = verdict { return response }
        return nil
    }

    @Test func refusalsAreWhatTheFullPathWouldAnswer() throws {
        let h = try DispatcherHarness()
        #expect(screen(h, "POST", "/api/echo")?.status == 401)
        #expect(screen(h, "POST", "/api/echo", ["Authorization": "Bearer x.y.z"])?.status == 401)
        #expect(screen(h, "PUT", "/api/echo")?.status == 401)  // 405 needs a token first
        #expect(screen(h, "POST", "/nowhere")?.status == 401)
        let login = try #require(screen(h, "POST", "/user/auth/ver1.0", ["x-api-key": "wrong"]))
        #expect(login.status == 401 && login.headers["PADMA_USER_AUTHORIZED"] == nil)
        let invoke = try #require(screen(h, "POST", "/2015-03-31/functions/echo/invocations"))
        #expect(invoke.status == 403 && invoke.headers["x-amzn-ErrorType"] == "UnrecognizedClientException")
        let unknownKey = try #require(
            screen(
                h, "POST", "/2015-03-31/functions/echo/invocations",
                [
                    "Authorization":
                        "AWS4-HMAC-SHA256 Credential=AKIDNOPE/20260101/ap-northeast-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature="
                        + String(repeating: "0", count: 64),
                    "X-Amz-Date": "20260101T000000Z", "Host": "x",
                ]))
        #expect(unknownKey.status == 403 && unknownKey.headers["x-amzn-ErrorType"] == "UnrecognizedClientException")
        // Every refusal leaves with the request's ids and an access line, like any answer.
        #expect(login.headers["X-Request-Id"] != nil && login.headers["X-Amzn-Trace-Id"] != nil)
        #expect(h.logLines.contains { $0.contains("\"POST /nowhere 401\"") })
        #expect(h.invoker.recorded.isEmpty)
    }

    @Test func whatTheHeadCannotDecideGoesOn() throws {
        let h = try DispatcherHarness()
        #expect(screen(h, "POST", "/open") == nil)  // auth: none
        #expect(screen(h, "POST", "/api/echo", h.bearer()) == nil)  // valid token
        #expect(screen(h, "POST", "/user/auth/ver1.0", ["x-api-key": "api-key-1"]) == nil)  // user/password in the body
        #expect(screen(h, "POST", "/2015-03-31/functions/echo/invocations", h.bearer()) == nil)
        #expect(screen(h, "GET", "/health") == nil)
    }

    /// docs/performance.md: a route's token is verified once per request. The head gate's claims reach `handle`,
    /// which checks only their expiry again (the body may have taken a while).
    @Test func theHeadsVerifiedClaimsAreUsedAndOnlyTheirExpiryIsCheckedAgain() async throws {
        let h = try DispatcherHarness()
        let request = HTTPRequest(method: "POST", target: "/api/echo", headers: h.bearer(h.token(subject: "carol")))
        guard case .admit(let note) = h.dispatcher.screen(request, peer: "127.0.0.1:1") else {
            Issue.record("a valid token was refused from the head")
            return
        }
        let claims = try #require(note as? TokenClaims)
        #expect(claims.subject == "carol")
        // The handler takes the admitted claims as they are: the event names their subject, not the header's.
        let other = HTTPRequest(
            method: "POST", target: "/api/echo", headers: h.bearer(h.token(subject: "dave")), body: Array("{}".utf8))
        #expect(await h.dispatcher.handle(other, peer: "127.0.0.1:1", admitted: claims).status == 200)
        let event = try JSONValue(parsing: try #require(h.invoker.recorded.last).payload)
        #expect(event["requestContext"]?["authorizer"]?["claims"]?["sub"] == "carol")
        // Claims that expired while the body arrived are refused.
        var expired = claims
        expired.refusedFrom = Int(WallClock.epochMilliseconds() / 1000) - 1
        #expect(await h.dispatcher.handle(other, peer: "127.0.0.1:1", admitted: expired).status == 401)
    }
}

/// docs/gateway.md: with LOG_LEVEL=DEBUG a request-scoped line says which worker ran the invocation, warm or cold.
@Suite struct InvocationDebugLineTests {
    @Test func eachInvocationWritesOneDebugLineWithTheRequestIdWorkerAndTemperature() async throws {
        let h = try DispatcherHarness()
        _ = await h.send("GET", "/open", headers: ["X-Request-Id": "dbg-1"])
        let r = await h.send(
            "POST", "/2015-03-31/functions/echo/invocations", headers: h.bearer().merged(["X-Request-Id": "dbg-2"]))
        #expect(r.status == 200)
        for id in ["dbg-1", "dbg-2"] {
            let lines = h.logLines.filter {
                $0.contains("\"logger\":\"gateway.invocation\"") && $0.contains("\"request_id\":\"\(id)\"")
            }
            #expect(lines.count == 1, "\(id): \(h.logLines)")
            let line = try JSONValue(parsing: Array(try #require(lines.first).utf8))
            #expect(line["level"] == "DEBUG" && line["worker"] == "c0ffee" && line["cold_start"] == .bool(false))
            #expect(line["message"] == "echo invoked warm on worker c0ffee")
        }
    }
}

/// docs/gateway.md, Invoke API: `X-Amz-Client-Context` reaches the invoker (and so the RIE); `X-Amz-Log-Type: Tail`
/// returns the last 4 KB of the invocation's log, base64.
@Suite struct InvokeTailAndClientContextTests {
    static let path = "/2015-03-31/functions/echo/invocations"

    @Test func theClientContextIsPassedOnAndABadOneRefused() async throws {
        let h = try DispatcherHarness()
        let context = Base64.encode(Array(#"{"custom":{"k":"v"}}"#.utf8))
        let ok = await h.send("POST", Self.path, headers: h.bearer().merged(["X-Amz-Client-Context": context]))
        #expect(ok.status == 200)
        #expect(h.invoker.recorded.last?.clientContext == context)
        for bad in [
            "not base64!", Base64.encode(Array("[1]".utf8)), Base64.encode([UInt8](repeating: 0x61, count: 3000)),
        ] {
            let r = await h.send("POST", Self.path, headers: h.bearer().merged(["X-Amz-Client-Context": bad]))
            #expect(
                r.status == 400 && r.headers["x-amzn-ErrorType"] == "InvalidRequestContentException",
                "\(bad.prefix(20))")
        }
        #expect(h.invoker.recorded.count == 1)
    }

    @Test func tailReturnsTheLast4KBOfTheLog() async throws {
        let log = Array((0..<600).map { "line-\($0)\n" }.joined().utf8)
        let h = try DispatcherHarness(invoker: StandInInvoker(log: log) { _, _ in .success(.rie("{}")) })
        let r = await h.send("POST", Self.path, headers: h.bearer().merged(["X-Amz-Log-Type": "Tail"]))
        #expect(r.status == 200)
        let tail = try #require(r.headers["X-Amz-Log-Result"].flatMap { Base64.decode($0) })
        #expect(tail == Array(log.suffix(4096)))
        let none = await h.send("POST", Self.path, headers: h.bearer())
        #expect(none.headers["X-Amz-Log-Result"] == nil)
    }
}
