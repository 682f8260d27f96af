import HTTP1
import Testing

@Suite struct HTTPHeadersTests {
    @Test func lookupIgnoresCaseAndKeepsSpelling() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain", "X-Multi": "a"]
        headers.add(name: "x-multi", value: "b")
        #expect(headers["content-type"] == "text/plain")
        #expect(headers.values(for: "X-MULTI") == ["a", "b"])
        #expect(headers.fields.map(\.name) == ["Content-Type", "X-Multi", "x-multi"])
    }

    @Test func replaceOrAddRemovesEveryCaseVariant() {
        var headers: HTTPHeaders = ["Set-Cookie": "a=1", "set-cookie": "b=2"]
        headers.replaceOrAdd(name: "SET-COOKIE", value: "c=3")
        #expect(headers.values(for: "set-cookie") == ["c=3"])
        #expect(headers.count == 1)
    }

    @Test func requestSplitsPathAndQuery() {
        let request = HTTPRequest(method: "GET", target: "/a/b?x=1&y=2")
        #expect(request.path == "/a/b")
        #expect(request.query == "x=1&y=2")
        #expect(HTTPRequest(method: "GET", target: "/a").query == nil)
    }

    @Test(arguments: [
        ("Content-Type", "content-type", true), ("X-AMZN-TRACE-ID", "x-amzn-trace-id", true), ("a", "A", true),
        ("", "", true), ("Host", "Hosts", false), ("Host", "Hose", false),
        // Only A–Z fold: bytes 0x20 apart that are not letters stay different.
        ("x[", "x{", false), ("x@", "x`", false), ("caf\u{e9}", "CAF\u{e9}", true), ("caf\u{e9}", "CAF\u{c9}", false),
    ])
    func namesCompareIgnoringASCIICase(a: String, b: String, equal: Bool) {
        #expect(HTTPHeaders.namesEqual(a, b) == equal)
        #expect(HTTPHeaders.namesEqual(b, a) == equal)
    }
}

/// The span searches give the generic searches' indices on ASCII, non-ASCII, empty, small and heap strings.
@Test(arguments: [
    "", "?", "/path", "/path?query", "/a?b?c", "[::1]:8443", "1.2.3.4:80", "::1", "caf\u{e9}?x=\u{1F600}",
    String(repeating: "long-", count: 40) + "?tail:" + String(repeating: "x", count: 40),
])
func asciiSearchesMatchTheGenericOnes(text: String) {
    for byte in [UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: "]"), UInt8(ascii: "x")] {
        #expect(text.firstIndex(ofASCII: byte) == text.utf8.firstIndex(of: byte))
        #expect(text.lastIndex(ofASCII: byte) == text.utf8.lastIndex(of: byte))
    }
}
