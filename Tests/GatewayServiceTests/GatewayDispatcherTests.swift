import BoxCore
import Telemetry
import BoxCrypto
import HTTP1
import Testing
import Posix
@testable import GatewayService

@Suite(.timeLimit(.minutes(5))) struct GatewayDispatcherTests {
    @Test func healthNeedsNoTokenAndCarriesIds() async throws {
        let h = try DispatcherHarness()
        let r = await h.send("GET", "/health", headers: ["X-Request-Id": "req-1"])
        #expect(r.status == 200)
        let json = try JSONValue(parsing: r.body)
        #expect(json["status"] == "healthy")
        #expect(json["timestamp"]?.stringValue?.hasSuffix("Z") == true)
        #expect(r.headers["X-Request-Id"] == "req-1")
        #expect(r.headers["X-Amzn-Trace-Id"]?.hasPrefix("Root=1-") == true)
    }

    @Test(
        arguments: [
            // (x-api-key, body, status, PADMA_USER_AUTHORIZED)
            (nil, #"{"AuthParameters":{"USERNAME":"alice","PASSWORD":"pw-1"}}"#, 401, nil),
            ("wrong", #"{"AuthParameters":{"USERNAME":"alice","PASSWORD":"pw-1"}}"#, 401, nil),
            ("wrong", "not json", 401, nil),
            ("api-key-1", "not json", 400, nil),
            ("api-key-1", #"{"AuthParameters":{"USERNAME":"alice"}}"#, 400, nil),
            ("api-key-1", #"{"AuthParameters":"x"}"#, 400, nil),
            ("api-key-1", #"{"AuthParameters":{"USERNAME":"alice","PASSWORD":"nope"}}"#, 401, "true"),
            ("api-key-1", #"{"AuthParameters":{"USERNAME":"bob","PASSWORD":"pw-1"}}"#, 401, "true"),
            ("api-key-1", #"{"AuthParameters":{"USERNAME":"alice","PASSWORD":"pw-1"}}"#, 200, "true"),
        ] as [(String?, String, Int, String?)])
    func loginOrderOfChecks(apiKey: String?, body: String, status: Int, authorized: String?) async throws {
        let h = try DispatcherHarness()
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if let apiKey { headers.add(name: "x-api-key", value: apiKey) }
        for path in ["/user/auth/ver1.0", "/user/auth/v1"] {
            let r = await h.send("POST", path, headers: headers, body: Array(body.utf8))
            #expect(r.status == status, "\(path)")
            #expect(r.headers["PADMA_USER_AUTHORIZED"] == authorized)
            guard status == 200 else { continue }
            let result = try #require(try JSONValue(parsing: r.body)["AuthenticationResult"])
            #expect(result["ExpiresIn"]?.intValue == 3000)
            #expect(result["TokenType"] == "Bearer")
            let token = try #require(result["IdToken"]?.stringValue)
            let ok = await h.send("GET", "/api/echo", headers: h.bearer(token))
            #expect(ok.status == 200)
        }
    }

    @Test func authenticationComesBeforeNotFoundAndMethodNotAllowed() async throws {
        let h = try DispatcherHarness()
        #expect(await h.send("GET", "/nowhere").status == 401)
        #expect(await h.send("DELETE", "/api/echo").status == 401)
        let notFound = await h.send("GET", "/nowhere", headers: h.bearer())
        #expect(notFound.status == 404)
        #expect(notFound.text == #"{"message":"Not Found"}"#)
        let wrongMethod = await h.send("DELETE", "/api/echo", headers: h.bearer())
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["Allow"] == "GET, POST")
        #expect(wrongMethod.headers["X-Request-Id"] != nil)
        #expect(h.invoker.recorded.isEmpty)
    }

    @Test func wrongMethodOnAnOpenPathIs405WithoutToken() async throws {
        let h = try DispatcherHarness()
        let r = await h.send("POST", "/public")
        #expect(r.status == 405)
        #expect(r.headers["Allow"] == "GET")
    }

    @Test(arguments: [(5 * 1024 * 1024, 413), (4 * 1024 * 1024, 200)])
    func eventOverLambdasSixMiBLimitIs413WithoutInvoking(bytes: Int, status: Int) async throws {
        // 5 MiB of binary becomes a ~7 MiB base64 event: over Lambda's 6,291,456-byte payload limit.
        let h = try DispatcherHarness(extraEnv: ["MAX_BODY_BYTES": "\(6 * 1024 * 1024)"])
        let r = await h.send(
            "POST", "/open", headers: ["Content-Type": "application/octet-stream"],
            body: [UInt8](repeating: 0xFF, count: bytes))
        #expect(r.status == status)
        #expect(h.invoker.recorded.count == (status == 200 ? 1 : 0))
        if status == 413 { #expect(r.text == #"{"message":"Request Entity Too Large"}"#) }
        #expect(h.invoker.recorded.allSatisfy { $0.payload.count <= 6_291_456 })
    }

    @Test func headOnARoutedPathKeepsTheBodyForTheWritersContentLength() async throws {
        // The server writer (HTTPMessageWriter, omitBody for HEAD) sends the Content-Length GET would have and no
        // body; the dispatcher must not empty the body first (that made every HEAD claim Content-Length: 0).
        let h = try DispatcherHarness()
        let r = await h.send("HEAD", "/open")
        #expect(r.status == 200)
        #expect(r.text == "hi")
        var wire: [UInt8] = []
        HTTPMessageWriter.writeResponse(r, into: &wire, keepAlive: true, omitBody: true)
        let text = String(decoding: wire, as: UTF8.self)
        #expect(text.contains("Content-Length: 2\r\n"))
        #expect(text.hasSuffix("\r\n\r\n"))
    }

    @Test func openRouteNeedsNoToken() async throws {
        let h = try DispatcherHarness()
        let r = await h.send("PATCH", "/open")
        #expect(r.status == 200)
        #expect(h.invoker.recorded.count == 1)
    }

    @Test(arguments: [
        ("Bearer", true), ("bearer", true), ("BEARER", true), ("", true), ("Basic", false), ("Token", false),
    ])
    func bearerSchemeIsCaseInsensitiveAndBareTokensWork(scheme: String, accepted: Bool) async throws {
        let h = try DispatcherHarness()
        let value = scheme.isEmpty ? h.token() : "\(scheme) \(h.token())"
        let r = await h.send("GET", "/api/echo", headers: ["Authorization": value])
        #expect(r.status == (accepted ? 200 : 401))
    }

    /// §8: `alg: none`, a wrong key, a tampered payload, expiry → 401.
    @Test(arguments: ["none", "wrong-key", "tampered", "expired", "garbage", "no-sub"])
    func badTokensAreRefused(kind: String) async throws {
        let h = try DispatcherHarness()
        let now = Int(WallClock.epochMilliseconds() / 1000)
        let good = h.token()
        let parts = good.split(separator: ".").map(String.init)
        let token: String
        switch kind {
        case "none":
            let header = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
            token = "\(header).\(parts[1])."
        case "wrong-key":
            token = JWT.issue(
                subject: "alice", now: now, lifetimeSeconds: 3000,
                secret: Array("another-key-another-key-another-key!".utf8))
        case "tampered":
            let payload = Base64URL.encode(Array(#"{"sub":"root","iat":1,"exp":9999999999}"#.utf8))
            token = "\(parts[0]).\(payload).\(parts[2])"
        case "expired":
            token = h.token(now: now - 4000, lifetime: 3000)
        case "no-sub":
            token = h.token(subject: "")
        default:
            token = "a.b.c"
        }
        let r = await h.send("GET", "/api/echo", headers: h.bearer(token))
        #expect(r.status == 401)
        #expect(r.text == #"{"message":"Unauthorized"}"#)
        #expect(h.invoker.recorded.isEmpty)
    }

    @Test func eventCarriesTheRequestIdAndWorkerGetsBothIds() async throws {
        let h = try DispatcherHarness()
        let r = await h.send(
            "POST", "/api/echo?x=1", headers: h.bearer().merged(["X-Request-Id": "rid-7"]), body: Array("{}".utf8))
        #expect(r.status == 200)
        let call = try #require(h.invoker.recorded.first)
        #expect(call.function == "echo")
        #expect(call.requestID == "rid-7")
        #expect(call.traceID == r.headers["X-Amzn-Trace-Id"])
        let event = try JSONValue(parsing: call.payload)
        #expect(event["requestContext"]?["requestId"] == "rid-7")
    }

    @Test(arguments: [
        (InvocationFailure.throttled, 429, "Too Many Requests"),
        (.functionTimedOut, 504, "Endpoint request timed out"),
        (.workerFailed("x"), 502, "Internal server error"),
        (.imageMissing("img"), 502, "Internal server error"),
        (.managerUnavailable("down"), 503, "Service Unavailable"),
    ])
    func invocationFailuresMapToProxyStatuses(failure: InvocationFailure, status: Int, message: String) async throws {
        let h = try DispatcherHarness(invoker: StandInInvoker { _, _ in .failure(failure) })
        let r = await h.send("GET", "/api/echo", headers: h.bearer())
        #expect(r.status == status)
        #expect(r.text == "{\"message\":\"\(message)\"}")
        if status == 429 { #expect(r.headers["Retry-After"] == "1") }
        #expect(r.headers["X-Request-Id"] != nil)
    }

    @Test(arguments: [
        #"{"errorMessage":"boom","errorType":"Exception","stackTrace":[]}"#,
        #"{"errorType":"Runtime.ExitError","errorMessage":"RequestId: x Error: Runtime exited"}"#,
    ])
    func functionErrorsAre502(body: String) async throws {
        let h = try DispatcherHarness(invoker: StandInInvoker(body: body))
        let r = await h.send("GET", "/api/echo", headers: h.bearer())
        #expect(r.status == 502)
        #expect(r.text == #"{"message":"Internal server error"}"#)
    }

    @Test func routeToAFunctionMissingFromFunctionsYmlIs502AndLogged() async throws {
        let h = try DispatcherHarness()
        let r = await h.send("GET", "/broken", headers: h.bearer())
        #expect(r.status == 502)
        #expect(h.logLines.contains { $0.contains("\"level\":\"ERROR\"") && $0.contains("missing") })
    }

    @Test func bodyOverTheLimitIs413() async throws {
        let h = try DispatcherHarness()
        let r = await h.send("POST", "/api/echo", headers: h.bearer(), body: [UInt8](repeating: 65, count: 1025))
        #expect(r.status == 413)
        #expect(r.text == #"{"message":"Request Entity Too Large"}"#)
    }

    @Test func accessLogLineHasTheProductFields() async throws {
        let h = try DispatcherHarness()
        _ = await h.send("GET", "/api/echo", headers: h.bearer().merged(["X-Request-Id": "log-1"]))
        let line = try #require(h.logLines.last { $0.contains("gateway.access") })
        let json = try JSONValue(parsing: line.trimmingASCIIWhitespace())
        for key in [
            "_time", "level", "logger", "message", "container_name", "request_id", "trace_id", "method", "path",
            "status", "latency_ms", "function", "worker", "cold_start", "queue_ms",
        ] {
            #expect(json[key] != nil, "\(key)")
        }
        #expect(json["request_id"] == "log-1")
        #expect(json["container_name"] == "gw-test")
        #expect(json["status"]?.intValue == 200)
        #expect(json["message"] == "GET /api/echo 200")
        #expect(json["method"] == "GET")
        #expect(json["path"] == "/api/echo")
        #expect(json["client_ip"] == "127.0.0.1")
        // The documented order: the standard members, then the request's, then what the proxy learned.
        let keys = json.objectValue?.members.map(\.key) ?? []
        #expect(
            Array(keys.prefix(12)) == [
                "_time", "level", "logger", "message", "container_name", "request_id", "trace_id", "method", "path",
                "status", "latency_ms", "client_ip",
            ])
    }

    @Test(arguments: [
        ("10.0.0.0/8", "10.1.1.1:5000", "203.0.113.5, 10.1.1.1", "203.0.113.5"),
        ("", "10.1.1.1:5000", "203.0.113.5", "10.1.1.1"),
        ("192.168.0.0/16", "10.1.1.1:5000", "203.0.113.5", "10.1.1.1"),
        ("::1", "[::1]:4444", "2001:db8::7", "2001:db8::7"),
    ])
    func sourceIPBelievesOnlyTrustedProxies(trusted: String, peer: String, forwarded: String, expected: String) throws {
        let proxies = trusted.isEmpty ? [] : [try #require(IPAddressRange(trusted))]
        var trace = RequestTrace(identity: RequestIdentity(requestID: "r", traceID: "t"), peer: peer, epochMillis: 0)
        trace.routeLabel = "x"
        #expect(trace.sourceIP(trusting: proxies, headers: ["X-Forwarded-For": forwarded]) == expected)
    }
}

extension HTTPHeaders {
    func merged(_ other: HTTPHeaders) -> HTTPHeaders {
        var h = self
        for f in other { h.replaceOrAdd(name: f.name, value: f.value) }
        return h
    }
}
