import Testing
@testable import GatewayService

@Suite(.timeLimit(.minutes(5))) struct InvokeTargetTests {
    // Paths as boto3 sends them: the name percent-encoded (`:` → %3A, `$` → %24).
    @Test(
        arguments: [
            ("/2015-03-31/functions/echo/invocations", nil, "echo", nil, nil),
            ("/2015-03-31/functions/echo%3A%24LATEST/invocations", nil, "echo", "$LATEST", nil),
            ("/2015-03-31/functions/echo:$LATEST/invocations", nil, "echo", "$LATEST", nil),
            ("/2015-03-31/functions/echo/invocations", "Qualifier=%24LATEST", "echo", "$LATEST", nil),
            ("/2015-03-31/functions/123456789012%3Afunction%3Aecho/invocations", nil, "echo", nil, nil),
            ("/2015-03-31/functions/000000000000%3Afunction%3Aecho%3A7/invocations", nil, "echo", "7", nil),
            (
                "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-west-2%3A000000000000%3Afunction%3Aecho/invocations",
                nil, "echo", nil, "us-west-2"
            ),
            (
                "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-west-2%3A1%3Afunction%3Aecho%3Aprod/invocations", nil,
                "echo", "prod", "us-west-2"
            ),
        ] as [(String, String?, String, String?, String?)])
    func parses(path: String, query: String?, name: String, qualifier: String?, region: String?) throws {
        let t = try #require(InvokeTarget.parse(path: path[...], query: query?[...]))
        #expect(t.name == name)
        #expect(t.qualifier == qualifier)
        #expect(t.region == region)
    }

    @Test(arguments: [
        "/2015-03-31/functions/a%2Fb/invocations", "/2015-03-31/functions/a:b:c/invocations",
        "/2015-03-31/functions/arn%3Aaws%3As3%3A%3A%3Afunction%3Ax/invocations",
        "/2015-03-31/functions/%ZZ/invocations",
        "/2015-03-31/functions/:x/invocations",
    ])
    func refuses(path: String) {
        #expect(InvokeTarget.parse(path: path[...], query: nil) == nil)
    }

    /// Names AWS's pattern refuses: 400 ValidationException there, not "Function not found" (docs/gateway.md).
    @Test(arguments: ["bad name!", "a/b", "a:b:c", "arn:aws:s3:::function:x", ":x", "f:", "é"])
    func malformedNamesViolateAWSsPattern(name: String) throws {
        let violation = try #require(InvokeTarget.constraintViolation(functionName: name))
        #expect(violation.hasPrefix("Value '\(name)' at 'functionName' failed to satisfy constraint: "))
        #expect(violation.hasSuffix("Member must satisfy regular expression pattern: " + InvokeTarget.namePattern))
    }

    @Test(arguments: [
        "echo", "echo:$LATEST", "echo:7", "my.fn_1-x", "000000000000:function:echo",
        "arn:aws:lambda:us-west-2:000000000000:function:echo:prod",
        "arn:aws-cn:lambda:cn-north-1:123456789012:function:f",
    ])
    func wellFormedNamesDoNot(name: String) {
        #expect(InvokeTarget.constraintViolation(functionName: name) == nil)
    }

    @Test func overlongNamesViolateTheLength() {
        #expect(
            InvokeTarget.constraintViolation(functionName: String(repeating: "a", count: 171))?.hasSuffix(
                "Member must have length less than or equal to 170") == true)
    }

    @Test func conflictingQualifiersAreRefused() {
        #expect(InvokeTarget.parse(path: "/2015-03-31/functions/f%3A1/invocations", query: "Qualifier=2") == nil)
        #expect(InvokeTarget.hasConflictingQualifiers(identifier: "f:1", query: "Qualifier=2"))
        #expect(!InvokeTarget.hasConflictingQualifiers(identifier: "f:1", query: "Qualifier=1"))
        #expect(!InvokeTarget.hasConflictingQualifiers(identifier: "f", query: "Qualifier=2"))
        #expect(!InvokeTarget.hasConflictingQualifiers(identifier: "f:1", query: nil))
    }

    @Test func onlyLatestIsServable() {
        #expect(InvokeTarget(name: "f").isServableVersion)
        #expect(InvokeTarget(name: "f", qualifier: "$LATEST").isServableVersion)
        #expect(InvokeTarget(name: "f", qualifier: "").isServableVersion)
        #expect(!InvokeTarget(name: "f", qualifier: "1").isServableVersion)
        #expect(
            InvokeTarget(name: "f", qualifier: "1").arn(defaultRegion: "ap-northeast-1")
                == "arn:aws:lambda:ap-northeast-1:000000000000:function:f:1")
    }
}

@Suite(.timeLimit(.minutes(5))) struct RequestIdentityTests {
    @Test func clientValuesAreKept() {
        let id = RequestIdentity(headers: ["x-request-id": "abc", "X-Amzn-Trace-Id": "Root=1-1-2"], epochSeconds: 0)
        #expect(id.requestID == "abc")
        #expect(id.traceID == "Root=1-1-2")
    }

    @Test func newValuesHaveTheAWSShapes() {
        let id = RequestIdentity(headers: [:], epochSeconds: 0x6543_21AB)
        let uuid = id.requestID.split(separator: "-").map(\.count)
        #expect(uuid == [8, 4, 4, 4, 12])
        #expect(id.requestID.dropFirst(14).first == "4")
        #expect(id.traceID.hasPrefix("Root=1-654321ab-"))
        #expect(id.traceID.count == "Root=1-".count + 8 + 1 + 24)
        #expect(
            RequestIdentity(headers: [:], epochSeconds: 0).requestID
                != RequestIdentity(headers: [:], epochSeconds: 0).requestID)
    }

    @Test func unsafeClientIdsAreReplaced() {
        let id = RequestIdentity(headers: ["X-Request-Id": "a\u{1}b", "X-Amzn-Trace-Id": ""], epochSeconds: 5)
        #expect(id.requestID != "a\u{1}b")
        #expect(id.traceID.hasPrefix("Root=1-00000005-"))
    }

    /// docs/gateway.md: a client's `X-Request-Id` is kept only when it matches `[A-Za-z0-9._:-]{1,128}`, since it
    /// becomes the function's invocation id; `../../x` made the RIE fail the invocation.
    @Test(arguments: ["../../x", "a b", "a/b", "ä", "x\\y", "id;1", String(repeating: "a", count: 129), ""])
    func requestIdsOutsideTheAllowedCharactersAreReplaced(given: String) {
        let id = RequestIdentity(headers: ["X-Request-Id": given], epochSeconds: 5)
        #expect(id.requestID != given)
        #expect(id.requestID.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
    }

    @Test(arguments: ["req-1", "A.b_c:d-9", "1-654321ab-0123456789abcdef01234567", String(repeating: "z", count: 128)])
    func requestIdsInsideTheAllowedCharactersAreKept(given: String) {
        #expect(RequestIdentity(headers: ["X-Request-Id": given], epochSeconds: 5).requestID == given)
    }
}
