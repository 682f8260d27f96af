import BoxCore
import Foundation
import Testing

/// AWS's own sample events (`sam local generate-event apigateway aws-proxy` / `http-api-proxy`), kept under
/// Tests/Fixtures/aws-events by the fixtures owner.
func awsSampleEvent(_ name: String) throws -> JSONValue {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/aws-events/\(name)")
    return try JSONValue(parsing: Array(try Data(contentsOf: url)))
}

/// The JSON type of a value, for shape comparisons.
func jsonKind(_ v: JSONValue) -> String {
    switch v {
    case .null: "null"
    case .bool: "bool"
    case .number: "number"
    case .string: "string"
    case .array: "array"
    case .object: "object"
    }
}

/// Walks `sample` and reports every key path that `ours` lacks or holds with another JSON type, except the
/// paths in `allowed` (path → why AWS's sample differs from a box event).
func shapeDifferences(sample: JSONValue, ours: JSONValue, path: String = "", allowed: [String: String]) -> [String] {
    if allowed[path] != nil { return [] }
    guard case .object(let s) = sample else {
        return jsonKind(sample) == jsonKind(ours) ? [] : ["\(path): \(jsonKind(sample)) in AWS, \(jsonKind(ours)) here"]
    }
    guard case .object(let o) = ours else { return ["\(path): object in AWS, \(jsonKind(ours)) here"] }
    var out: [String] = []
    for member in s.members {
        let child = path.isEmpty ? member.key : "\(path).\(member.key)"
        guard let mine = o[member.key] else {
            if allowed[child] == nil { out.append("\(child): missing") }
            continue
        }
        // Header and parameter maps: the names are data, only the value types matter.
        if [
            "headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters",
            "pathParameters", "stageVariables", "requestContext.authorizer.jwt.claims",
        ].contains(child),
            case .object(let sampleMap) = member.value, case .object(let ourMap) = mine
        {
            let sk = Set(sampleMap.members.map { jsonKind($0.value) }),
                ok = Set(ourMap.members.map { jsonKind($0.value) })
            if sk != ok { out.append("\(child): value kinds \(sk.sorted()) in AWS, \(ok.sorted()) here") }
            continue
        }
        out += shapeDifferences(sample: member.value, ours: mine, path: child, allowed: allowed)
    }
    return out
}

/// The request of AWS's REST sample: POST /path/to/resource?foo=bar on a `/{proxy+}` resource.
func sampleLikeInput() -> ProxyRequestInput {
    ProxyRequestInput(
        method: "POST", rawPath: "/path/to/resource", rawQuery: "foo=bar",
        headers: [
            ("Accept", "text/html"), ("Host", "1234567890.execute-api.us-east-1.amazonaws.com"),
            ("User-Agent", "Custom User Agent String"), ("Content-Type", "application/json"),
        ],
        body: Array(#"{"test":"body"}"#.utf8), sourceIP: "127.0.0.1", requestID: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
        resourcePath: "/{proxy+}", routeMethod: "ANY", pathParameters: [("proxy", "path/to/resource")],
        stageVariables: [("baz", "qux")], requestTimeEpochMilliseconds: 1_428_582_896_000)
}

@Test func restEventHasEveryFieldOfAWSsSample() throws {
    // Follows apigateway-aws-proxy.json.
    let sample = try awsSampleEvent("apigateway-aws-proxy.json")
    let ours = try JSONValue(parsing: APIGatewayEvent.restPayload(sampleLikeInput()))
    #expect(shapeDifferences(sample: sample, ours: ours, allowed: [:]) == [])
    // Key sets: ours adds only fields AWS's documentation shows beyond the sample.
    let extraTop = Set(ours.objectValue!.keys).subtracting(sample.objectValue!.keys)
    #expect(extraTop.isEmpty)
    let extraContext = Set(ours["requestContext"]!.objectValue!.keys).subtracting(
        sample["requestContext"]!.objectValue!.keys)
    #expect(extraContext == ["extendedRequestId", "domainName", "domainPrefix"])
    let extraIdentity = Set(ours["requestContext"]!["identity"]!.objectValue!.keys)
        .subtracting(sample["requestContext"]!["identity"]!.objectValue!.keys)
    #expect(extraIdentity == ["principalOrgId", "apiKey", "apiKeyId"])
    #expect(ours["requestContext"]?["identity"]?["apiKey"] == .null)
    #expect(ours["requestContext"]?["identity"]?["apiKeyId"] == .null)
    // Values that must read exactly like AWS's.
    #expect(ours["requestContext"]?["requestTime"] == sample["requestContext"]?["requestTime"])
    #expect(ours["requestContext"]?["requestTimeEpoch"] == sample["requestContext"]?["requestTimeEpoch"])
    #expect(ours["requestContext"]?["resourcePath"] == "/{proxy+}")
    #expect(ours["requestContext"]?["stage"] == "prod")
    #expect(ours["requestContext"]?["protocol"] == "HTTP/1.1")
    #expect(ours["multiValueQueryStringParameters"] == sample["multiValueQueryStringParameters"])
    #expect(ours["queryStringParameters"] == sample["queryStringParameters"])
    #expect(ours["stageVariables"] == sample["stageVariables"])
    #expect(ours["requestContext"]?["identity"]?["userAgent"] == sample["requestContext"]?["identity"]?["userAgent"])
    #expect(ours["requestContext"]?["domainName"] == "1234567890.execute-api.us-east-1.amazonaws.com")
    #expect(ours["requestContext"]?["domainPrefix"] == "1234567890")
}

@Test func httpEventHasEveryFieldOfAWSsSample() throws {
    // Follows apigateway-http-api-proxy.json: its request is POST /path/to/resource with two cookies, a
    // repeated header and a repeated query parameter.
    let sample = try awsSampleEvent("apigateway-http-api-proxy.json")
    let input = ProxyRequestInput(
        method: "POST", rawPath: "/path/to/resource", rawQuery: "parameter1=value1&parameter1=value2&parameter2=value",
        headers: [
            ("Header1", "value1"), ("Header2", "value1"), ("Cookie", "cookie1; cookie2"), ("Header2", "value2"),
            ("Host", "id.execute-api.us-east-1.amazonaws.com"), ("User-Agent", "agent"),
        ],
        body: [0xff, 0xfe], sourceIP: "192.168.0.1", requestID: "id", resourcePath: "/path/{parameter1}",
        pathParameters: [("parameter1", "value1")], stageVariables: [("stageVariable1", "value1")],
        claims: ProxyClaims(subject: "alice"), requestTimeEpochMilliseconds: 1_583_348_638_390)
    let ours = try JSONValue(parsing: APIGatewayEvent.httpPayload(input))
    let allowed = [
        "requestContext.authentication": "mutual-TLS client certificate details: the box has no mTLS",
        "requestContext.authorizer.jwt.scopes": "the box's tokens carry no scopes: null, as docs/contract.md §3.4 asks",
    ]
    #expect(shapeDifferences(sample: sample, ours: ours, allowed: allowed) == [])
    #expect(Set(ours.objectValue!.keys) == Set(sample.objectValue!.keys))
    #expect(ours["cookies"] == sample["cookies"])
    #expect(ours["queryStringParameters"] == sample["queryStringParameters"])
    #expect(ours["rawQueryString"] == sample["rawQueryString"])
    #expect(ours["headers"]?["header2"] == "value1,value2")
    #expect(ours["headers"]?["cookie"] == nil, "Cookie moves to `cookies`")
    #expect(ours["requestContext"]?["timeEpoch"] == sample["requestContext"]?["timeEpoch"])
    #expect(ours["requestContext"]?["time"] == "04/Mar/2020:19:03:58 +0000")
    #expect(ours["requestContext"]?["domainPrefix"] == "id")
    #expect(ours["requestContext"]?["authorizer"]?["jwt"]?["scopes"] == .null)
    #expect(ours["requestContext"]?["authorizer"]?["jwt"]?["claims"]?["sub"] == "alice")
    #expect(ours["isBase64Encoded"] == true)
    #expect(ours["body"] == "//4=")
}

@Test func restEventNullsWhereAWSSendsNull() throws {
    // Follows AWS's documented REST event for a GET without query, parameters or body: explicit nulls.
    let input = ProxyRequestInput(
        method: "GET", rawPath: "/health/x", headers: [("Host", "box.local:8443")], sourceIP: "10.0.0.1",
        requestID: "r-1", requestTimeEpochMilliseconds: 0)
    let e = try JSONValue(parsing: APIGatewayEvent.restPayload(input))
    for key in ["queryStringParameters", "multiValueQueryStringParameters", "pathParameters", "stageVariables", "body"]
    {
        #expect(e[key] == .null, "\(key)")
    }
    #expect(e["isBase64Encoded"] == false)
    #expect(e["resource"] == "/health/x", "no route: the resource is the path")
    #expect(e["requestContext"]?["identity"]?["userAgent"] == .null)
    #expect(e["requestContext"]?["authorizer"] == nil, "no authorizer section on auth: none routes")
    #expect(e["requestContext"]?["domainName"] == "box.local")
}

@Test func httpEventOmitsWhatAWSOmits() throws {
    let input = ProxyRequestInput(
        method: "GET", rawPath: "/a%20b/c", headers: [("Host", "[::1]:8443")], sourceIP: "::1", requestID: "r-2",
        requestTimeEpochMilliseconds: 0)
    let e = try JSONValue(parsing: APIGatewayEvent.httpPayload(input))
    #expect(
        Set(e.objectValue!.keys) == [
            "version", "routeKey", "rawPath", "rawQueryString", "headers", "requestContext",
            "isBase64Encoded",
        ])
    #expect(e["routeKey"] == "$default")
    #expect(e["rawQueryString"] == "")
    #expect(e["rawPath"] == "/a%20b/c")
    #expect(e["requestContext"]?["http"]?["path"] == "/a b/c")
    #expect(e["requestContext"]?["http"]?["userAgent"] == "")
    #expect(e["requestContext"]?["domainName"] == "[::1]")
    #expect(e["requestContext"]?["authorizer"] == nil)
}
