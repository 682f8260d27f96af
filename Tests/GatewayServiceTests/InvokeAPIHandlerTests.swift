import Foundation
import BoxCore
import HTTP1
import Testing
@testable import GatewayService

@Suite(.timeLimit(.minutes(5))) struct InvokeAPIHandlerTests {
    static let path = "/2015-03-31/functions/echo/invocations"

    @Test func requestResponseRelaysThePayload() async throws {
        let h = try DispatcherHarness(invoker: StandInInvoker(body: #"{"answer":42}"#))
        let r = await h.send("POST", Self.path, headers: h.bearer(), body: Array(#"{"q":1}"#.utf8))
        #expect(r.status == 200)
        #expect(r.text == #"{"answer":42}"#)
        #expect(r.headers["X-Amz-Executed-Version"] == "$LATEST")
        #expect(r.headers["X-Amz-Function-Error"] == nil)
        // The Invoke API passes the payload as is: no API Gateway event around it.
        #expect(h.invoker.recorded.first?.payload == Array(#"{"q":1}"#.utf8))
    }

    @Test func functionErrorIsFlaggedUnhandled() async throws {
        let h = try DispatcherHarness(
            invoker: StandInInvoker(body: #"{"errorMessage":"boom","errorType":"ValueError"}"#))
        let r = await h.send("POST", Self.path, headers: h.bearer())
        #expect(r.status == 200)
        #expect(r.headers["X-Amz-Function-Error"] == "Unhandled")
        #expect(r.text.contains("boom"))
    }

    /// Every answer carries `x-amzn-RequestId` (boto3's `ResponseMetadata.RequestId`), as AWS's do.
    @Test func everyAnswerCarriesTheAWSRequestID() async throws {
        let h = try DispatcherHarness(invoker: StandInInvoker(body: "1"))
        var headers = h.bearer()
        headers.add(name: "X-Request-Id", value: "rid-7")
        let ok = await h.send("POST", Self.path, headers: headers)
        #expect(ok.headers["x-amzn-RequestId"] == "rid-7")
        let missing = await h.send("POST", "/2015-03-31/functions/ghost/invocations", headers: h.bearer())
        #expect(missing.status == 404)
        #expect(missing.headers["x-amzn-RequestId"] != nil)
    }

    /// Lambda's asynchronous payload limit is 1 MiB: a larger `Event` is refused before it is queued.
    @Test func eventOverOneMiBIsRequestTooLarge() async throws {
        let h = try DispatcherHarness(invoker: StandInInvoker(body: "1"), extraEnv: ["MAX_BODY_BYTES": "6291456"])
        let headers = h.bearer().merged(["X-Amz-Invocation-Type": "Event"])
        let big = Array("\"".utf8) + Array(repeating: UInt8(ascii: "x"), count: 1_048_575) + Array("\"".utf8)
        let r = await h.send("POST", Self.path, headers: headers, body: big)
        #expect(r.status == 413)
        #expect(r.headers["x-amzn-ErrorType"] == "RequestTooLargeException")
        #expect(r.text.contains("1048576 bytes"))
        // (the harness's spool holds 1 MiB in all: a smaller event shows that the limit is not the sync one)
        let fits = Array("\"".utf8) + Array(repeating: UInt8(ascii: "x"), count: 100_000) + Array("\"".utf8)
        #expect(await h.send("POST", Self.path, headers: headers, body: fits).status == 202)
    }

    /// `X-Amz-Log-Type` is `Tail` or `None`; anything else is refused before running, as AWS does.
    @Test func unknownLogTypeIsAValidationError() async throws {
        let h = try DispatcherHarness(invoker: StandInInvoker(body: "1"))
        let r = await h.send("POST", Self.path, headers: h.bearer().merged(["X-Amz-Log-Type": "tail"]))
        #expect(r.status == 400)
        #expect(r.headers["x-amzn-ErrorType"] == "ValidationException")
        #expect(
            r.text.contains(
                "at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [Tail, None]"))
        #expect(h.invoker.recorded.isEmpty)
        let none = await h.send("POST", Self.path, headers: h.bearer().merged(["X-Amz-Log-Type": "None"]))
        #expect(none.status == 200 && none.headers["X-Amz-Log-Result"] == nil)
    }

    /// The Node.js runtime names the stack `trace`, not `stackTrace` (docs/gateway.md).
    @Test func nodeRuntimeErrorIsFlaggedUnhandled() async throws {
        let h = try DispatcherHarness(
            invoker: StandInInvoker(body: #"{"errorType":"TypeError","errorMessage":"x","trace":["TypeError: x"]}"#))
        let r = await h.send("POST", Self.path, headers: h.bearer())
        #expect(r.status == 200)
        #expect(r.headers["X-Amz-Function-Error"] == "Unhandled")
    }

    @Test func timeoutIsAFunctionErrorLikeAWS() async throws {
        let h = try DispatcherHarness(invoker: StandInInvoker { _, _ in .failure(.functionTimedOut) })
        let r = await h.send("POST", Self.path, headers: h.bearer())
        #expect(r.status == 200)
        #expect(r.headers["X-Amz-Function-Error"] == "Unhandled")
        #expect(r.text.contains("Task timed out after 3.00 seconds"))
    }

    @Test(arguments: [
        ("/2015-03-31/functions/nope/invocations", "arn:aws:lambda:ap-northeast-1:000000000000:function:nope"),
        ("/2015-03-31/functions/echo%3A7/invocations", "arn:aws:lambda:ap-northeast-1:000000000000:function:echo:7"),
        (
            "/2015-03-31/functions/echo/invocations?Qualifier=prod",
            "arn:aws:lambda:ap-northeast-1:000000000000:function:echo:prod"
        ),
        (
            "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Anope/invocations",
            "arn:aws:lambda:us-east-1:000000000000:function:nope"
        ),
    ])
    func unknownFunctionsAndVersionsAreResourceNotFound(target: String, arn: String) async throws {
        let h = try DispatcherHarness()
        let r = await h.send("POST", target, headers: h.bearer())
        #expect(r.status == 404)
        #expect(r.headers["x-amzn-ErrorType"] == "ResourceNotFoundException")
        #expect(r.text == "{\"Type\":\"User\",\"message\":\"Function not found: \(arn)\"}")
        #expect(h.invoker.recorded.isEmpty)
    }

    @Test(arguments: [
        "/2015-03-31/functions/echo%3A%24LATEST/invocations",
        "/2015-03-31/functions/echo/invocations?Qualifier=%24LATEST",
        "/2015-03-31/functions/000000000000%3Afunction%3Aecho/invocations",
        "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aap-northeast-1%3A000000000000%3Afunction%3Aecho%3A%24LATEST/invocations",
    ])
    func latestQualifierAndArnsRun(target: String) async throws {
        let h = try DispatcherHarness()
        let r = await h.send("POST", target, headers: h.bearer())
        #expect(r.status == 200)
        #expect(h.invoker.recorded.first?.function == "echo")
    }

    @Test(arguments: [nil, "Bearer not-a-jwt", "Basic dXNlcjpwYXNz"] as [String?])
    func missingOrBadCredentialsAreUnrecognizedClient(authorization: String?) async throws {
        let h = try DispatcherHarness()
        var headers = HTTPHeaders()
        if let authorization { headers.add(name: "Authorization", value: authorization) }
        let r = await h.send("POST", Self.path, headers: headers)
        #expect(r.status == 403)
        #expect(r.headers["x-amzn-ErrorType"] == "UnrecognizedClientException")
        #expect(h.invoker.recorded.isEmpty)
    }

    @Test func dryRunChecksButDoesNotRun() async throws {
        let h = try DispatcherHarness()
        let ok = await h.send("POST", Self.path, headers: h.bearer().merged(["X-Amz-Invocation-Type": "DryRun"]))
        #expect(ok.status == 204)
        let missing = await h.send(
            "POST", "/2015-03-31/functions/nope/invocations",
            headers: h.bearer().merged(["X-Amz-Invocation-Type": "DryRun"]))
        #expect(missing.status == 404)
        let unauthenticated = await h.send("POST", Self.path, headers: ["X-Amz-Invocation-Type": "DryRun"])
        #expect(unauthenticated.status == 403)
        #expect(h.invoker.recorded.isEmpty)
    }

    @Test func throttledIsTooManyRequests() async throws {
        let h = try DispatcherHarness(invoker: StandInInvoker { _, _ in .failure(.throttled) })
        let r = await h.send("POST", Self.path, headers: h.bearer())
        #expect(r.status == 429)
        #expect(r.headers["x-amzn-ErrorType"] == "TooManyRequestsException")
    }

    @Test func payloadOverTheLimitIsRequestTooLarge() async throws {
        let h = try DispatcherHarness()
        let r = await h.send("POST", Self.path, headers: h.bearer(), body: [UInt8](repeating: 0x20, count: 2048))
        #expect(r.status == 413)
        #expect(r.headers["x-amzn-ErrorType"] == "RequestTooLargeException")
    }

    @Test(arguments: ["this is not json", "{\"a\":", "   ", "{} {}", "'x'"])
    func nonJSONPayloadIsInvalidRequestContentAndRunsNothing(payload: String) async throws {
        let h = try DispatcherHarness()
        for type in ["RequestResponse", "Event"] {
            let headers = h.bearer().merged(["X-Amz-Invocation-Type": type])
            let r = await h.send("POST", Self.path, headers: headers, body: Array(payload.utf8))
            #expect(r.status == 400)
            #expect(r.headers["x-amzn-ErrorType"] == "InvalidRequestContentException")
            let json = try JSONValue(parsing: r.body)
            #expect(json["Type"] == "User")
            #expect(json["message"]?.stringValue?.hasPrefix("Could not parse request body into json: ") == true)
        }
        #expect(h.invoker.recorded.isEmpty)
    }

    @Test func omittedPayloadRunsWithAnEmptyObjectLikeAWS() async throws {
        let h = try DispatcherHarness()
        let r = await h.send("POST", Self.path, headers: h.bearer())
        #expect(r.status == 200)
        #expect(h.invoker.recorded.map(\.payload) == [Array("{}".utf8)])
    }

    @Test func eventAnswers202AndRetriesFunctionErrorsTwice() async throws {
        let h = try DispatcherHarness(
            invoker: StandInInvoker { _, _ in .success(.rie(#"{"errorMessage":"x","errorType":"E"}"#)) })
        let r = await h.send("POST", Self.path, headers: h.bearer().merged(["X-Amz-Invocation-Type": "Event"]))
        #expect(r.status == 202)
        #expect(r.body.isEmpty)
        let left = await h.events.settle(until: .now + .seconds(5))
        #expect(left == 0)
        #expect(h.invoker.recorded.count == 3)
        let attempts = h.logLines.filter { $0.contains("\"invocation_type\":\"Event\"") && $0.contains("\"attempt\"") }
        #expect(attempts.count == 3)
        #expect(
            attempts.allSatisfy {
                $0.contains("\"outcome\":\"function_error\"") && $0.contains("\"function\":\"echo\"")
            })
    }

    @Test func eventStopsRetryingAfterSuccess() async throws {
        let h = try DispatcherHarness(
            invoker: StandInInvoker { _, n in
                n == 1 ? .failure(.workerFailed("broke")) : .success(.rie("null"))
            })
        let r = await h.send("POST", Self.path, headers: h.bearer().merged(["X-Amz-Invocation-Type": "Event"]))
        #expect(r.status == 202)
        await h.events.settle(until: .now + .seconds(5))
        #expect(h.invoker.recorded.count == 2)
        #expect(h.logLines.contains { $0.contains("\"attempt\":2") && $0.contains("\"outcome\":\"success\"") })
    }

    @Test func unknownInvocationTypeIsRefused() async throws {
        let h = try DispatcherHarness()
        let r = await h.send("POST", Self.path, headers: h.bearer().merged(["X-Amz-Invocation-Type": "Later"]))
        #expect(r.status == 400)
        #expect(h.invoker.recorded.isEmpty)
    }
}

/// The SIGTERM drain: running attempts get until the deadline, queued events stay in the spool.
@Suite(.timeLimit(.minutes(5))) struct EventDrainTests {
    /// Stands in for FunctionInvoker + RIE: every invocation waits until the test opens the gate.
    final class GatedInvoker: FunctionInvoking, Sendable {
        let gate = Gate()
        nonisolated(nonsending) func invoke(
            _ spec: PoolFunctionSpec, payload: [UInt8], requestID: String, traceID: String
        ) async throws(InvocationFailure) -> InvocationOutcome {
            await gate.wait()
            return .rie("null")
        }
        func poolSnapshot() async -> [String: PoolStats] { [:] }
    }

    actor Gate {
        var open = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        func wait() async {
            if open { return }
            await withCheckedContinuation { waiters.append($0) }
        }
        func release() {
            open = true
            for w in waiters { w.resume() }
            waiters = []
        }
    }

    @Test func drainReportsWhatIsStillRunningAtTheDeadlineAndLeavesTheRestQueued() async throws {
        let invoker = GatedInvoker()
        let directory = EventSpoolTests.folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = GatewayConfigStore(
            GatewayConfiguration(
                functions: FunctionsConfig(functions: [FunctionConfig(name: "echo", maxConcurrency: 1)]),
                routes: RoutingTable(try RoutingConfig.parse("routes: []", path: "r.yml"))))
        let events = EventDispatcher(
            spool: try EventSpool(directory: directory, maxBytes: 1 << 20), invoker: invoker, config: config,
            log: .discarding, metrics: GatewayMetrics(), settings: EventDispatcher.Settings())
        events.start()
        for id in ["r1", "r2", "r3"] {
            try await events.submit(function: "echo", payload: Array("{}".utf8), requestID: id, traceID: "t")
        }
        // max_concurrency 1: one attempt runs (held by the gate), two wait in the spool.
        #expect(await events.drain(until: .now + .milliseconds(50)) == 1)
        await invoker.gate.release()
        #expect(await events.drain(until: .now + .seconds(10)) == 0)
        events.close()
        let left = try EventSpool(directory: directory, maxBytes: 1 << 20).replay().events.map(\.id)
        #expect(left == ["r2", "r3"])
    }
}
