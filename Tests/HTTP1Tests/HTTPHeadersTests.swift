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
}
