import HTTP1
import Testing

/// Feeds `text` to a fresh parser in two parts at every split point; returns the head (or the error).
func parseAtEverySplit(_ text: String, maxHeaderBytes: Int = 16 * 1024) throws -> HTTPRequestHead {
    let bytes = Array(text.utf8)
    var result: HTTPRequestHead?
    for split in 0...bytes.count {
        var parser = HTTPHeadParser(maxHeaderBytes: maxHeaderBytes)
        var buffer = Array(bytes[0..<split])
        if case .complete(let head, let bodyStart) = try parser.parseRequest(buffer) {
            // Complete before the last byte is only right when the head ended earlier.
            #expect(bodyStart <= split)
            result = head
            continue
        }
        buffer += bytes[split...]
        guard case .complete(let head, _) = try parser.parseRequest(buffer) else {
            Issue.record("incomplete after all bytes (split \(split))")
            continue
        }
        if let result { #expect(result == head) }
        result = head
    }
    return try #require(result)
}

@Suite struct HTTPHeadParserTests {
    @Test func everyPrefixIsIncompleteUntilTheLastByte() throws {
        let text = "POST /a/b?x=1 HTTP/1.1\r\nHost: example\r\nContent-Length: 5\r\nX-Empty:\r\n\r\n"
        let bytes = Array(text.utf8)
        var parser = HTTPHeadParser()
        for end in 0..<bytes.count {
            guard case .incomplete = try parser.parseRequest(bytes, start: 0, end: end) else {
                Issue.record("complete at \(end) of \(bytes.count)")
                return
            }
        }
        guard case .complete(let head, let bodyStart) = try parser.parseRequest(bytes) else {
            Issue.record("not complete")
            return
        }
        #expect(bodyStart == bytes.count)
        #expect(head.method == "POST")
        #expect(head.target == "/a/b?x=1")
        #expect(head.framing == .contentLength(5))
        #expect(head.headers["x-empty"] == "")
        #expect(head.keepAlive)
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: a\r\n\r\n", 1, true, HTTPBodyFraming.none),
        ("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 1, false, .none),
        ("GET / HTTP/1.0\r\n\r\n", 0, false, .none),
        ("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", 0, true, .none),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", 1, true, .chunked),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", 1, true, .none),
        ("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 1, true, .none),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-Tab:\tv\t \r\nConnection: keep-alive, close\r\n\r\n", 1, false, .none),
    ])
    func validHeads(text: String, minor: Int, keepAlive: Bool, framing: HTTPBodyFraming) throws {
        let head = try parseAtEverySplit(text)
        #expect(head.minorVersion == minor)
        #expect(head.keepAlive == keepAlive)
        #expect(head.framing == framing)
    }

    @Test func fieldValuesAreTrimmedAndNamesKeepTheirSpelling() throws {
        let head = try parseAtEverySplit("GET /x HTTP/1.1\r\nHOST:  h \r\nX-A: 1\r\nx-a: 2\r\n\r\n")
        #expect(head.headers.fields.map(\.name) == ["HOST", "X-A", "x-a"])
        #expect(head.headers["host"] == "h")
        #expect(head.headers.values(for: "X-A") == ["1", "2"])
    }

    @Test(arguments: [
        // (target, origin-form target, Host)
        ("https://localhost/health", "/health", "localhost"),
        ("HTTP://h.example:8443/a/b?x=1&y=%2F", "/a/b?x=1&y=%2F", "h.example:8443"),
        ("http://h.example", "/", "h.example"),
        ("http://h.example?q=1", "/?q=1", "h.example"),
        ("/plain?x", "/plain?x", "a"),
        ("ftp://h/x", "ftp://h/x", "a"),
        ("*", "*", "a"),
    ])
    func absoluteFormTargetBecomesOriginFormAndItsAuthorityTheHost(target: String, origin: String, host: String) throws
    {
        let head = try parseAtEverySplit("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(head.target == origin)
        #expect(head.headers.values(for: "Host") == [host])
    }

    @Test func expectContinueIsReportedForHTTP11Only() throws {
        #expect(
            try parseAtEverySplit("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n")
                .expectsContinue)
        #expect(
            try !parseAtEverySplit("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n")
                .expectsContinue)
    }

    @Test(arguments: [
        // Malformed start lines
        ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400),
        ("GET /\r\nHost: a\r\n\r\n", 400),
        ("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTX/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.x\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        ("GET /\u{7F} HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        // Malformed fields
        ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\n: empty-name\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\u{01}b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\u{00}b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\u{1F}b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\u{7F}b\r\n\r\n", 400),
        // Line endings: bare CR, bare LF, obs-fold
        ("GET / HTTP/1.1\rHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400),
        ("GET / HTTP/1.1\nHost: a\n\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n folded\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n\tfolded\r\n\r\n", 400),
        // Host rules (HTTP/1.1)
        ("GET / HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        // Smuggling shapes
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3 3\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x3\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n", 400),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n", 417),
    ])
    func rejections(text: String, status: Int) {
        let bytes = Array(text.utf8)
        // Every split point must give the same verdict (or incomplete before the offending byte).
        for split in [bytes.count] + Array(0..<bytes.count) {
            var parser = HTTPHeadParser()
            do {
                _ = try parser.parseRequest(Array(bytes[0..<split]))
                _ = try parser.parseRequest(bytes)
                Issue.record("accepted: \(text.debugDescription)")
            } catch {
                #expect(error.status == status, "\(text.debugDescription) split \(split): \(error)")
            }
        }
    }

    @Test func headerSectionOverTheLimitIs431EvenBeforeItEnds() {
        var parser = HTTPHeadParser(maxHeaderBytes: 1024)
        let big = Array(("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "a", count: 2000)).utf8)
        #expect(throws: HTTPParseError.headerTooLarge) { _ = try parser.parseRequest(big) }
        var exact = HTTPHeadParser(maxHeaderBytes: 64)
        let fits = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "b", count: 32) + "\r\n\r\n"
        #expect(fits.utf8.count == 64)
        #expect(throws: Never.self) { _ = try exact.parseRequest(Array(fits.utf8)) }
        var over = HTTPHeadParser(maxHeaderBytes: 63)
        #expect(throws: HTTPParseError.headerTooLarge) { _ = try over.parseRequest(Array(fits.utf8)) }
    }

    @Test func pipelinedRequestsParseOneAfterAnother() throws {
        let bytes = Array("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        var parser = HTTPHeadParser()
        guard case .complete(let first, let next) = try parser.parseRequest(bytes) else {
            throw HTTPParseError.headerTooLarge
        }
        guard case .complete(let second, let end) = try parser.parseRequest(bytes, start: next) else {
            throw HTTPParseError.headerTooLarge
        }
        #expect(first.target == "/1")
        #expect(second.target == "/2")
        #expect(end == bytes.count)
    }
}

/// A field value may hold HTAB, SP, visible ASCII and obs-text (bytes 0x80–0xFF, RFC 9110 §5.5), also mid-value:
/// the parser's value loop settles those bytes first and must not refuse them (a value's control bytes are 400 in
/// the table above).
@Test func aFieldValueKeepsTabsAndObsText() throws {
    let value: [UInt8] = [0x61, 0x09, 0x80, 0x20, 0xFF, 0x7E, 0x62]
    var parser = HTTPHeadParser()
    let bytes = Array("GET / HTTP/1.1\r\nHost: a\r\nX: ".utf8) + value + Array("\r\n\r\n".utf8)
    guard case .complete(let head, _) = try parser.parseRequest(bytes) else {
        Issue.record("head incomplete")
        return
    }
    #expect(head.headers["X"] == String(decoding: value, as: UTF8.self))
}
