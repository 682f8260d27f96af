import BoxCore
import Testing

func input(
    method: String = "GET", path: String = "/p", query: String? = nil, headers: [(name: String, value: String)] = [],
    body: [UInt8] = [], binary: BinaryMediaTypes = BinaryMediaTypes(), traceID: String? = nil
) -> ProxyRequestInput {
    ProxyRequestInput(
        method: method, rawPath: path, rawQuery: query, headers: headers, body: body, sourceIP: "10.1.2.3",
        requestID: "req-1", traceID: traceID, requestTimeEpochMilliseconds: 1_700_000_000_000,
        binaryMediaTypes: binary)
}

func rest(_ i: ProxyRequestInput) throws -> JSONValue { try JSONValue(parsing: APIGatewayEvent.restPayload(i)) }
func http(_ i: ProxyRequestInput) throws -> JSONValue { try JSONValue(parsing: APIGatewayEvent.httpPayload(i)) }

/// Query decoding as API Gateway does it. Columns: raw query; 1.0 `queryStringParameters` (last wins);
/// 1.0 `multiValueQueryStringParameters`; 2.0 `queryStringParameters` (comma-joined).
@Test(arguments: [
    ("a=1&a=2&b=x", #"{"a":"2","b":"x"}"#, #"{"a":["1","2"],"b":["x"]}"#, #"{"a":"1,2","b":"x"}"#),
    ("q=a+b%2Bc%20d", #"{"q":"a b+c d"}"#, #"{"q":["a b+c d"]}"#, #"{"q":"a b+c d"}"#),
    ("flag&x=", #"{"flag":"","x":""}"#, #"{"flag":[""],"x":[""]}"#, #"{"flag":"","x":""}"#),
    ("&&a=1&", #"{"a":"1"}"#, #"{"a":["1"]}"#, #"{"a":"1"}"#),
    ("k=v=w", #"{"k":"v=w"}"#, #"{"k":["v=w"]}"#, #"{"k":"v=w"}"#),
    ("%E4%B8%AD=%zz", #"{"中":"%zz"}"#, #"{"中":["%zz"]}"#, #"{"中":"%zz"}"#),
    ("b=1&a=2&b=3", #"{"b":"3","a":"2"}"#, #"{"b":["1","3"],"a":["2"]}"#, #"{"b":"1,3","a":"2"}"#),
])
func queryDecoding(raw: String, single: String, multi: String, joined: String) throws {
    let v1 = try rest(input(query: raw)), v2 = try http(input(query: raw))
    #expect(v1["queryStringParameters"]?.jsonString == single)
    #expect(v1["multiValueQueryStringParameters"]?.jsonString == multi)
    #expect(v2["queryStringParameters"]?.jsonString == joined)
    #expect(v2["rawQueryString"]?.stringValue == raw)
}

@Test(arguments: ["", "&", "&&"])
func emptyQueryIsAbsent(raw: String) throws {
    #expect(try rest(input(query: raw))["queryStringParameters"] == .null)
    #expect(try http(input(query: raw))["queryStringParameters"] == nil)
}

@Test func headersAsSentIn1AndLowerCaseJoinedIn2() throws {
    let h: [(name: String, value: String)] = [
        ("X-Multi", "a"), ("Content-Type", "text/plain"), ("x-multi", "b, c"), ("X-MULTI", "d"), ("Cookie", "s=1"),
    ]
    let v1 = try rest(input(headers: h))
    #expect(v1["headers"]?.jsonString == #"{"X-Multi":"d","Content-Type":"text/plain","Cookie":"s=1"}"#)
    #expect(
        v1["multiValueHeaders"]?.jsonString
            == #"{"X-Multi":["a","b, c","d"],"Content-Type":["text/plain"],"Cookie":["s=1"]}"#)
    let v2 = try http(input(headers: h))
    #expect(v2["headers"]?.jsonString == #"{"x-multi":"a,b, c,d","content-type":"text/plain"}"#)
    #expect(v2["cookies"]?.jsonString == #"["s=1"]"#)
}

@Test func traceHeaderIsAddedUnlessTheClientSentOne() throws {
    let added = try rest(input(headers: [("Host", "h")], traceID: "Root=1-abc"))
    #expect(added["headers"]?["X-Amzn-Trace-Id"] == "Root=1-abc")
    let kept = try http(input(headers: [("x-amzn-trace-id", "Root=1-client")], traceID: "Root=1-abc"))
    #expect(kept["headers"]?["x-amzn-trace-id"] == "Root=1-client")
}

@Test func cookiesSplitAcrossHeaders() throws {
    let v2 = try http(input(headers: [("Cookie", "a=1;b=2 ;  c=3"), ("cookie", "d=4;")]))
    #expect(v2["cookies"]?.jsonString == #"["a=1","b=2","c=3","d=4"]"#)
}

/// Body encoding. Columns: body bytes, headers, BINARY_MEDIA_TYPES, expected isBase64Encoded.
@Test(
    arguments: [
        (Array("héllo".utf8), [], "", false),
        ([0xC3, 0x28], [], "", true),  // invalid UTF-8
        (Array("GIF89a".utf8), [("Content-Type", "image/gif")], "image/*", true),  // wildcard media type
        (Array("x".utf8), [("Content-Type", "Image/PNG; q=1")], "image/png", true),
        (Array("x".utf8), [("Content-Type", "application/json")], "image/*", false),
        (Array("x".utf8), [("Content-Type", "application/json")], "*/*", true),
        (Array("x".utf8), [("Content-Encoding", "gzip")], "", true),
        (Array("x".utf8), [("Content-Encoding", "identity")], "", false),
    ] as [([UInt8], [(name: String, value: String)], String, Bool)])
func bodyEncoding(body: [UInt8], headers: [(name: String, value: String)], binary: String, base64: Bool) throws {
    let i = input(method: "POST", headers: headers, body: body, binary: BinaryMediaTypes([binary]))
    for event in [try rest(i), try http(i)] {
        #expect(event["isBase64Encoded"]?.boolValue == base64)
        let expected = base64 ? Base64Text.encode(body) : String(decoding: body, as: UTF8.self)
        #expect(event["body"]?.stringValue == expected)
    }
}

/// Standard base64 written independently of the code under test (RFC 4648 §4), for the expectations above.
enum Base64Text {
    static func encode(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            var v = 0
            for k in 0..<3 { v = v << 8 | (k < n ? Int(bytes[i + k]) : 0) }
            for k in 0..<4 { out.append(k <= n ? table[(v >> (18 - 6 * k)) & 63] : "=") }
            i += 3
        }
        return out
    }
}

@Test func bodyTextIsEscapedNotReencoded() throws {
    let text = "line1\n\"quoted\" \\ / 中 😀 \u{1}"
    let e = try rest(input(method: "POST", body: Array(text.utf8)))
    #expect(e["body"]?.stringValue == text)
}

@Test func routeKeysAndResources() throws {
    var i = input(method: "DELETE", path: "/api/users/42")
    i.resourcePath = "/api/users/{user_id}"
    i.routeMethod = "ANY"
    i.pathParameters = [("user_id", "42")]
    let v2 = try http(i)
    #expect(v2["routeKey"] == "ANY /api/users/{user_id}")
    #expect(v2["requestContext"]?["routeKey"] == "ANY /api/users/{user_id}")
    #expect(v2["pathParameters"]?.jsonString == #"{"user_id":"42"}"#)
    let v1 = try rest(i)
    #expect(v1["resource"] == "/api/users/{user_id}")
    #expect(v1["httpMethod"] == "DELETE")
    #expect(v1["requestContext"]?["resourcePath"] == "/api/users/{user_id}")
    i.routeMethod = nil
    #expect(try http(i)["routeKey"] == "DELETE /api/users/{user_id}")
}

@Test func authorizerSections() throws {
    var i = input()
    i.claims = ProxyClaims(subject: "alice")
    let v1 = try rest(i)
    #expect(
        v1["requestContext"]?["authorizer"]?.jsonString
            == #"{"claims":{"sub":"alice","username":"alice","cognito:username":"alice"},"cognito:username":"alice"}"#
    )
    let v2 = try http(i)
    #expect(
        v2["requestContext"]?["authorizer"]?.jsonString
            == #"{"jwt":{"claims":{"sub":"alice","username":"alice","cognito:username":"alice"},"scopes":null}}"#
    )
}

@Test func stageAndContextValues() throws {
    var i = input()
    i.stage = "dev"
    i.apiID = "api1"
    i.accountID = "123456789012"
    i.domainName = "api.example.com"
    i.userAgent = "ua/1"
    let v1 = try rest(i), v2 = try http(i)
    #expect(v1["requestContext"]?["stage"] == "dev" && v2["requestContext"]?["stage"] == "dev")
    #expect(v1["requestContext"]?["apiId"] == "api1" && v2["requestContext"]?["accountId"] == "123456789012")
    #expect(v1["requestContext"]?["domainPrefix"] == "api" && v2["requestContext"]?["domainName"] == "api.example.com")
    #expect(v1["requestContext"]?["identity"]?["userAgent"] == "ua/1")
    #expect(v2["requestContext"]?["http"]?["userAgent"] == "ua/1")
    #expect(v1["requestContext"]?["requestTime"] == "14/Nov/2023:22:13:20 +0000")
    #expect(v1["requestContext"]?["requestTimeEpoch"]?.intValue == 1_700_000_000_000)
    #expect(v1["requestContext"]?["identity"]?["sourceIp"] == "10.1.2.3")
    #expect(APIGatewayEvent.payload(i, format: .v2) == APIGatewayEvent.httpPayload(i))
    #expect(APIGatewayEvent.payload(i, format: .v1) == APIGatewayEvent.restPayload(i))
}

@Test func pathParametersFollowTheTemplateOrder() {
    let ordered = ProxyRequestInput.orderedPathParameters(
        ["proxy": "a/b", "user_id": "42", "org": "x"], template: "/orgs/{org}/users/{user_id}/{proxy+}")
    #expect(ordered.map(\.name) == ["org", "user_id", "proxy"])
}
