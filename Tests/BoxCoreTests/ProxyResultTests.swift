import BoxCore
import Testing

func map(
    _ payload: String, _ format: Route.PayloadFormat, status: Int = 200,
    rieHeaders: [(name: String, value: String)] = []
) throws(ProxyResultError) -> ProxyResponse {
    let bytes = Array(payload.utf8)
    return try ProxyResult.response(
        rieStatus: status, rieHeaders: rieHeaders, payload: bytes, parsed: try? JSONValue(parsing: bytes),
        format: format)
}

func text(_ r: ProxyResponse) -> String { String(decoding: r.body, as: UTF8.self) }

/// Results accepted in both formats. Columns: payload, status, body, Content-Type.
@Test(arguments: [Route.PayloadFormat.v1, .v2])
func statusBodyAndDefaultContentType(format: Route.PayloadFormat) throws {
    let r = try map(#"{"statusCode":201,"body":"{\"id\":1}"}"#, format)
    #expect(r.status == 201)
    #expect(text(r) == #"{"id":1}"#, "a string body is sent as is, never JSON-quoted again")
    #expect(r.values(for: "content-type") == ["application/json"])
    let html = try map(#"{"statusCode":200,"headers":{"Content-Type":"text/html"},"body":"<h1>hi</h1>"}"#, format)
    #expect(text(html) == "<h1>hi</h1>" && html.values(for: "Content-Type") == ["text/html"])
    let empty = try map(#"{"statusCode":204}"#, format)
    #expect(empty.status == 204 && empty.body.isEmpty)
    let quoted = try map(#"{"statusCode":"404","body":null}"#, format)
    #expect(quoted.status == 404)
}

@Test(arguments: [Route.PayloadFormat.v1, .v2])
func base64BodiesAreDecoded(format: Route.PayloadFormat) throws {
    let r = try map(
        #"{"statusCode":200,"isBase64Encoded":true,"body":"iVBORw0KGgo=","headers":{"Content-Type":"image/png"}}"#,
        format)
    #expect(r.body == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    #expect(throws: ProxyResultError.malformedResult("body is not valid base64")) {
        try map(#"{"statusCode":200,"isBase64Encoded":true,"body":"**"}"#, format)
    }
}

@Test func restHeadersAndMultiValueHeaders() throws {
    // multiValueHeaders wins for a name in both; repeated values become separate lines; a comma inside a value
    // stays in one line; cookies are ignored in 1.0.
    let r = try map(
        #"""
        {"statusCode":200,"headers":{"X-One":"1","x-both":"single","X-Date":"Wed, 21 Oct 2015 07:28:00 GMT","X-N":5,"X-B":true},
         "multiValueHeaders":{"X-Both":["m1","m2"],"Set-Cookie":["a=1","b=2"]},"cookies":["c=3"],"body":"ok"}
        """#, .v1)
    #expect(r.values(for: "X-One") == ["1"])
    #expect(r.values(for: "X-Both") == ["m1", "m2"])
    #expect(r.values(for: "X-Date") == ["Wed, 21 Oct 2015 07:28:00 GMT"])
    #expect(r.values(for: "X-N") == ["5"] && r.values(for: "X-B") == ["true"])
    #expect(r.values(for: "Set-Cookie") == ["a=1", "b=2"])
}

@Test func httpHeadersAndCookies() throws {
    // 2.0: cookies become Set-Cookie lines; multiValueHeaders is ignored (as AWS does).
    let r = try map(
        #"""
        {"statusCode":200,"headers":{"X-A":"1, 2"},"multiValueHeaders":{"X-M":["x"]},
         "cookies":["a=1; Path=/","b=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT"],"body":"ok"}
        """#, .v2)
    #expect(r.values(for: "X-A") == ["1, 2"])
    #expect(r.values(for: "X-M") == [])
    #expect(r.values(for: "set-cookie") == ["a=1; Path=/", "b=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT"])
}

/// Payload 2.0 results without statusCode: 200, the result as the body, JSON content type.
@Test(arguments: [
    (#"{"message":"Hello from Lambda!"}"#, #"{"message":"Hello from Lambda!"}"#),
    ("  [1,2,3]\n", "[1,2,3]"),
    ("42", "42"),
    (#""Hello from Lambda!""#, "Hello from Lambda!"),
    ("null", "null"),
])
func httpResultInference(payload: String, body: String) throws {
    let r = try map(payload, .v2)
    #expect(r.status == 200)
    #expect(text(r) == body)
    #expect(r.values(for: "Content-Type") == ["application/json"])
}

@Test func httpNonStringBodyIsSerialized() throws {
    let r = try map(#"{"statusCode":200,"body":{"a":[1,"x"]}}"#, .v2)
    #expect(text(r) == #"{"a":[1,"x"]}"#)
}

/// Function errors, in both formats → 502.
@Test(arguments: [Route.PayloadFormat.v1, .v2])
func functionErrors(format: Route.PayloadFormat) {
    let errorObject = #"{"errorMessage":"boom","errorType":"ValueError","stackTrace":["x"]}"#
    #expect(throws: ProxyResultError.functionError(errorType: "ValueError", errorMessage: "boom")) {
        try map(errorObject, format)
    }
    #expect(throws: ProxyResultError.functionError(errorType: "ValueError", errorMessage: "boom")) {
        try map(errorObject, format, rieHeaders: [("X-Amz-Function-Error", "Unhandled")])
    }
    #expect(throws: ProxyResultError.functionError(errorType: "Unhandled", errorMessage: nil)) {
        try map(#"{"statusCode":200,"body":"looks fine"}"#, format, rieHeaders: [("x-amz-function-error", "Unhandled")])
    }
    #expect(throws: ProxyResultError.functionError(errorType: nil, errorMessage: "RIE status 500")) {
        try map("", format, status: 500)
    }
    #expect(ProxyResultError.malformedResult("x").status == 502)
}

/// `"Content-Type": null` asks for no Content-Type at all, not the `application/json` default.
@Test(arguments: [Route.PayloadFormat.v1, .v2])
func nullContentTypeSuppressesTheDefault(format: Route.PayloadFormat) throws {
    let r = try map(#"{"statusCode":204,"headers":{"content-type":null,"X-A":"1"}}"#, format)
    #expect(r.values(for: "Content-Type").isEmpty)
    #expect(r.values(for: "X-A") == ["1"])
}

/// Only an object with nothing but error keys is a runtime's error; Node.js names its stack `trace`.
@Test func errorObjectsAreTheRuntimesShapesOnly() throws {
    let own = try map(#"{"errorMessage":"mine","errorType":"X","detail":1}"#, .v2)
    #expect(own.status == 200 && text(own) == #"{"errorMessage":"mine","errorType":"X","detail":1}"#)
    #expect(throws: ProxyResultError.functionError(errorType: "TypeError", errorMessage: "x")) {
        try map(#"{"errorType":"TypeError","errorMessage":"x","trace":["TypeError: x"]}"#, .v2)
    }
}

@Test func anErrorShapedResultWithStatusCodeIsAResponse() throws {
    let r = try map(#"{"statusCode":400,"errorMessage":"bad","errorType":"X","body":"no"}"#, .v2)
    #expect(r.status == 400 && text(r) == "no")
}

/// Payload 1.0 results API Gateway refuses as "Malformed Lambda proxy response".
@Test(arguments: [
    ("not json", "the result is not JSON"),
    ("", "the result is not JSON"),
    (#""just a string""#, "the result is not a JSON object"),
    ("[1]", "the result is not a JSON object"),
    (#"{"body":"x"}"#, "no statusCode"),
    (#"{"statusCode":"abc"}"#, "statusCode \"abc\" is not an HTTP status"),
    (#"{"statusCode":99}"#, "statusCode 99 is not an HTTP status"),
    // 1xx would go out as an interim response and leave the client waiting (docs/gateway.md): 502.
    (#"{"statusCode":100}"#, "statusCode 100 is not an HTTP status"),
    (#"{"statusCode":101}"#, "statusCode 101 is not an HTTP status"),
    (#"{"statusCode":"199"}"#, "statusCode \"199\" is not an HTTP status"),
    (#"{"statusCode":600}"#, "statusCode 600 is not an HTTP status"),
    (#"{"statusCode":200.5}"#, "statusCode 200.5 is not an HTTP status"),
    (#"{"statusCode":200,"body":{"a":1}}"#, "body is not a string"),
    (#"{"statusCode":200,"extra":1}"#, "unexpected key 'extra'"),
    (#"{"statusCode":200,"headers":["a"]}"#, "headers is not an object"),
    (#"{"statusCode":200,"headers":{"a":{"b":1}}}"#, "header 'a' is not a string"),
    (#"{"statusCode":200,"multiValueHeaders":{"a":"b"}}"#, "multiValueHeaders 'a' is not a list"),
    (#"{"statusCode":200,"isBase64Encoded":"yes"}"#, "isBase64Encoded is not a boolean"),
])
func malformedRestResults(payload: String, reason: String) {
    #expect(throws: ProxyResultError.malformedResult(reason)) { try map(payload, .v1) }
}

@Test func httpMalformed() {
    #expect(throws: ProxyResultError.malformedResult("the result is not JSON")) { try map("<html>", .v2) }
    #expect(throws: ProxyResultError.malformedResult("statusCode null is not an HTTP status")) {
        try map(#"{"statusCode":null}"#, .v2)
    }
}

@Test func framingAndUnsafeHeadersAreDropped() throws {
    let r = try map(
        #"""
        {"statusCode":200,"headers":{"Content-Length":"999","Transfer-Encoding":"chunked","Connection":"close",
         "X-Split":"a\r\nInjected: 1","Bad Name":"x","X-Ok":"fine"},"body":"ok"}
        """#, .v1)
    #expect(r.headers.map(\.name) == ["X-Ok", "Content-Type"])
}

/// The gateway writes its own `Date`: a function's goes out as API Gateway remaps it, so a response never has two.
@Test(arguments: [Route.PayloadFormat.v1, .v2])
func aFunctionsDateIsRemapped(format: Route.PayloadFormat) throws {
    let r = try map(
        #"{"statusCode":200,"headers":{"date":"Tue, 01 Jan 2019 00:00:00 GMT","X-Ok":"fine"},"body":"ok"}"#, format)
    #expect(!r.headers.contains { $0.name.lowercased() == "date" })
    #expect(r.headers.first { $0.name == "x-amzn-Remapped-Date" }?.value == "Tue, 01 Jan 2019 00:00:00 GMT")
    #expect(r.headers.contains { $0.name == "X-Ok" })
}

@Test(arguments: [100, 101, 103, 199])
func interimStatusCodesAreMalformedIn2(code: Int) {
    #expect(throws: ProxyResultError.malformedResult("statusCode \(code) is not an HTTP status")) {
        try map(#"{"statusCode":\#(code),"body":"x"}"#, .v2)
    }
}
