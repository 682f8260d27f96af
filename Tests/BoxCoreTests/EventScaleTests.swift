import BoxCore
import Testing

/// docs/gateway.md: grouping query parameters and header fields, and merging a result's headers, are linear — one
/// request with thousands of names or a result with 10^5 headers must not occupy the gateway's single loop for
/// seconds or minutes. Quadratic grouping takes minutes on these inputs (about 7 × 10^9 name comparisons); the
/// suite's one-minute limit catches that without timing anything finer. Figures are printed beside the sizes.
@Suite(.timeLimit(.minutes(1))) struct EventScaleTests {
    /// Up to 16 fields the keys are searched, from 17 on they are hashed: both group alike (same names in any
    /// case, first spelling kept, values in request order).
    @Test(arguments: [15, 16, 17, 40]) func fewAndManyHeadersGroupAlike(count: Int) throws {
        let distinct = count - 3
        var headers = (0..<distinct).map { (name: "X-H\($0)", value: "v\($0)") }
        headers += [(name: "x-h1", value: "again"), (name: "X-h0", value: "twice"), (name: "X-H1", value: "thrice")]
        let event = try rest(input(query: "a=1&b=2&a=3", headers: headers))
        #expect(event["multiValueHeaders"]?["X-H1"] == .array([.string("v1"), .string("again"), .string("thrice")]))
        #expect(event["multiValueHeaders"]?["X-H0"] == .array([.string("v0"), .string("twice")]))
        #expect(event["headers"]?["X-H1"] == .string("thrice"))
        #expect(event["headers"]?["x-h1"] == nil)
        #expect(event["headers"]?.objectValue?.count == distinct)
        #expect(event["multiValueQueryStringParameters"]?["a"] == .array([.string("1"), .string("3")]))
    }

    @Test func manyDistinctQueryNamesAndHeadersGroupLinearly() throws {
        let names = 60_000
        let query = (0..<names).map { "p\($0)=\($0)" }.joined(separator: "&") + "&p7=again"
        let headers = (0..<names).map { (name: "X-H\($0)", value: "v") } + [(name: "x-h7", value: "w")]
        let clock = ContinuousClock()
        var event: JSONValue = .null
        let elapsed = try clock.measure {
            event = try rest(input(query: query, headers: headers))
        }
        print("bench rest event with \(names) query names and \(names) headers: \(elapsed)")
        #expect(event["multiValueQueryStringParameters"]?["p7"] == .array([.string("7"), .string("again")]))
        #expect(event["multiValueHeaders"]?["X-H7"] == .array([.string("v"), .string("w")]))
        #expect(event["queryStringParameters"]?.objectValue?.count == names)
        let v2 = try http(input(query: query, headers: headers))
        #expect(v2["headers"]?["x-h7"] == .string("v,w"))
    }

    @Test func aResultWithManyHeadersMergesLinearly() throws {
        let count = ProxyResult.maxHeaderFields / 2
        let single = (0..<count).map { "\"X-S\($0)\":\"s\"" }.joined(separator: ",")
        let multi = (0..<count).map { "\"x-s\($0)\":[\"m\"]" }.joined(separator: ",")
        let payload = #"{"statusCode":200,"headers":{\#(single)},"multiValueHeaders":{\#(multi)},"body":""}"#
        let r = try map(payload, .v1)
        #expect(r.headers.count == count + 1)  // multi wins for every name; plus the default Content-Type
        #expect(r.values(for: "X-S42") == ["m"])
    }

    @Test(arguments: [Route.PayloadFormat.v1, .v2])
    func aResultWithTooManyHeadersIsMalformed(format: Route.PayloadFormat) {
        let n = ProxyResult.maxHeaderFields + 1
        let fields = (0..<n).map { "\"X-\($0)\":\"v\"" }.joined(separator: ",")
        #expect(throws: ProxyResultError.malformedResult("\(n) header fields (at most \(ProxyResult.maxHeaderFields))"))
        {
            try map(#"{"statusCode":200,"headers":{\#(fields)}}"#, format)
        }
    }
}
