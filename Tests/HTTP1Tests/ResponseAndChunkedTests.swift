import HTTP1
import Testing

@Suite struct ChunkedDecoderTests {
    func decodeBytewise(_ text: String, max: Int = 1 << 20) throws(HTTPParseError) -> (body: [UInt8], consumed: Int) {
        let bytes = Array(text.utf8)
        var decoder = ChunkedDecoder(maxBodyBytes: max)
        var body: [UInt8] = []
        var i = 0
        while i < bytes.count, !decoder.isComplete {
            i = try decoder.decode(bytes, start: i, end: i + 1, into: &body)
        }
        #expect(decoder.isComplete)
        return (body, i)
    }

    @Test(arguments: [
        ("5\r\nhello\r\n0\r\n\r\n", "hello"),
        ("5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world"),
        ("A\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n", "0123456789"),
        ("0\r\n\r\n", ""),
        ("000a\r\n0123456789\r\n0\r\n\r\n", "0123456789"),
    ])
    func decodesOneByteAtATime(encoded: String, decoded: String) throws {
        let (body, consumed) = try decodeBytewise(encoded + "NEXT")
        #expect(body == Array(decoded.utf8))
        #expect(consumed == encoded.utf8.count, "stops at the end of the message")
        // Whole buffer at once gives the same.
        var decoder = ChunkedDecoder(maxBodyBytes: 1 << 20)
        var whole: [UInt8] = []
        let bytes = Array(encoded.utf8)
        #expect(try decoder.decode(bytes, start: 0, end: bytes.count, into: &whole) == bytes.count)
        #expect(whole == body)
    }

    @Test(arguments: [
        "x\r\nhello\r\n0\r\n\r\n", " 5\r\nhello\r\n0\r\n\r\n", "5 \r\nhello\r\n0\r\n\r\n", "0x5\r\nhello\r\n0\r\n\r\n",
        "-5\r\nhello\r\n0\r\n\r\n", "\r\nhello\r\n0\r\n\r\n", "5\rhello\r\n0\r\n\r\n", "5\nhello\r\n0\r\n\r\n",
        "5\r\nhelloX\r\n0\r\n\r\n", "5\r\nhello\n0\r\n\r\n", "fffffffffffffffff\r\n", "0\r\nBad Trailer\r\r\n",
        "0\r\n folded: x\r\n\r\n", "0\r\n\n",
    ])
    func badChunkSizesAndFramingAre400(encoded: String) {
        #expect(throws: HTTPParseError.self) { _ = try decodeBytewise(encoded) }
        do {
            _ = try decodeBytewise(encoded)
        } catch {
            #expect(error.status == 400, "\(encoded.debugDescription): \(error)")
        }
    }

    @Test func totalOverTheLimitIs413WhenTheSizeLineArrives() throws {
        var decoder = ChunkedDecoder(maxBodyBytes: 8)
        var body: [UInt8] = []
        let bytes = Array("5\r\nhello\r\n4\r\n".utf8)
        #expect(throws: HTTPParseError.bodyTooLarge) {
            _ = try decoder.decode(bytes, start: 0, end: bytes.count, into: &body)
        }
        #expect(body.count == 5, "the over-limit chunk's data was never read")
    }

    @Test func aLargeBodyInManyChunksIsReassembled() throws {
        let body = Array((0..<40000).map { UInt8(truncatingIfNeeded: $0) })
        // The chunked coding written out by hand (RFC 9112 §7.1): hex size, CRLF, data, CRLF; then the last chunk.
        var encoded: [UInt8] = []
        for start in stride(from: 0, to: body.count, by: 4096) {
            let piece = body[start..<min(start + 4096, body.count)]
            encoded += Array("\(String(piece.count, radix: 16))\r\n".utf8) + piece + Array("\r\n".utf8)
        }
        encoded += Array("0\r\n\r\n".utf8)
        var decoder = ChunkedDecoder(maxBodyBytes: 1 << 20)
        var out: [UInt8] = []
        #expect(try decoder.decode(encoded, start: 0, end: encoded.count, into: &out) == encoded.count)
        #expect(decoder.isComplete)
        #expect(out == body)
    }
}

@Suite struct ResponseParserAndWriterTests {
    func parse(_ text: String, method: String = "GET") throws -> HTTPResponseHead {
        var parser = HTTPHeadParser()
        let bytes = Array(text.utf8)
        for end in 0..<bytes.count {
            guard case .incomplete = try parser.parseResponse(bytes, start: 0, end: end, requestMethod: method) else {
                throw HTTPParseError.badRequest("complete early")
            }
        }
        guard case .complete(let head, _) = try parser.parseResponse(bytes, requestMethod: method) else {
            throw HTTPParseError.badRequest("incomplete")
        }
        return head
    }

    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "GET", HTTPBodyFraming.contentLength(5), true),
        ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "HEAD", .none, true),
        ("HTTP/1.1 204 No Content\r\n\r\n", "GET", .none, true),
        ("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n", "GET", .none, true),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "GET", .chunked, true),
        ("HTTP/1.1 200 OK\r\n\r\n", "GET", .untilClose, false),
        ("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n", "GET", .contentLength(1), false),
        ("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\n", "GET", .contentLength(1), true),
        ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n", "GET", .contentLength(1), false),
        ("HTTP/1.1 100 Continue\r\n\r\n", "POST", .none, true),
        ("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", "GET", .none, true),
    ])
    func responseFraming(text: String, method: String, framing: HTTPBodyFraming, keepAlive: Bool) throws {
        let head = try parse(text, method: method)
        #expect(head.framing == framing)
        #expect(head.keepAlive == keepAlive)
    }

    @Test(arguments: [
        "HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 200OK\r\n\r\n", "HTTP/1.1 abc OK\r\n\r\n", "ICY 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
    ])
    func malformedResponses(text: String) {
        #expect(throws: HTTPParseError.self) { _ = try parse(text) }
    }

    @Test func writerSetsFramingAndDropsUnsafeFields() {
        var headers: HTTPHeaders = [
            "Content-Type": "text/plain", "Content-Length": "999", "Transfer-Encoding": "chunked",
        ]
        headers.add(name: "X-Split", value: "a\r\nSet-Cookie: evil=1")
        headers.add(name: "Bad Name", value: "x")
        headers.add(name: "X-Ok", value: "fine")
        var out: [UInt8] = []
        HTTPMessageWriter.writeResponse(
            HTTPResponse(status: 200, headers: headers, body: Array("hi".utf8)), into: &out, keepAlive: true)
        #expect(
            String(decoding: out, as: UTF8.self)
                == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Ok: fine\r\nContent-Length: 2\r\n\r\nhi")
    }

    @Test func writerDropsEachUnsafeFieldWhereverItStandsAndKeepsTheRest() {
        // A field is checked while it is copied: a bad byte late in a value, or a framing name, must take back
        // exactly that field's bytes and leave the fields around it whole.
        var headers = HTTPHeaders()
        headers.add(name: "A", value: "1")
        headers.add(name: "X-Late", value: String(repeating: "v", count: 300) + "\u{7F}")
        headers.add(name: "keep-alive", value: "timeout=5")
        headers.add(name: "CONNECTION", value: "upgrade")
        headers.add(name: "", value: "empty name")
        headers.add(name: "Na\u{e9}me", value: "non-ASCII name")
        headers.add(name: "B", value: "caf\u{e9}\tok")
        var out: [UInt8] = []
        HTTPMessageWriter.writeResponse(HTTPResponse(status: 200, headers: headers), into: &out, keepAlive: true)
        #expect(
            String(decoding: out, as: UTF8.self)
                == "HTTP/1.1 200 OK\r\nA: 1\r\nB: caf\u{e9}\tok\r\nContent-Length: 0\r\n\r\n")
    }

    @Test(arguments: [0, 7, 9, 10, 11, 99, 100, 1000, 65_535, 1_048_576, 123_456_789])
    func contentLengthIsTheBodysByteCount(count: Int) {
        var out: [UInt8] = []
        HTTPMessageWriter.writeRequest(
            HTTPRequest(method: "POST", target: "/", body: [UInt8](repeating: 0x61, count: count)), host: "h",
            into: &out)
        let head = String(decoding: out.prefix(80), as: UTF8.self)
        #expect(head.hasPrefix("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \(count)\r\n\r\n"))
        #expect(out.count == "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \(count)\r\n\r\n".utf8.count + count)
    }

    @Test func writerConnectionHeadersAndHead() {
        var out: [UInt8] = []
        HTTPMessageWriter.writeResponse(
            HTTPResponse(status: 404, body: [1, 2, 3]), into: &out, minorVersion: 0, keepAlive: true, omitBody: true,
            date: "D")
        #expect(
            String(decoding: out, as: UTF8.self)
                == "HTTP/1.1 404 Not Found\r\nDate: D\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\n")
        out = []
        HTTPMessageWriter.writeResponse(HTTPResponse(status: 204), into: &out, keepAlive: false)
        #expect(String(decoding: out, as: UTF8.self) == "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
    }

    @Test func requestWriterAddsHostAndLength() {
        var out: [UInt8] = []
        HTTPMessageWriter.writeRequest(
            HTTPRequest(method: "POST", target: "/i", body: Array("{}".utf8)), host: "h:8080", into: &out)
        #expect(
            String(decoding: out, as: UTF8.self) == "POST /i HTTP/1.1\r\nHost: h:8080\r\nContent-Length: 2\r\n\r\n{}")
    }

    @Test(arguments: [
        (400, "Bad Request"), (413, "Request Entity Too Large"), (431, "Request Header Fields Too Large"),
        (408, "Request Timeout"), (502, "Internal server error"), (504, "Endpoint request timed out"),
    ])
    func errorBodiesAreExact(status: Int, message: String) {
        let response = HTTPStatus.errorResponse(status, extraHeaders: ["X-Request-Id": "r"])
        #expect(response.body == Array("{\"message\":\"\(message)\"}".utf8))
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.headers["X-Request-Id"] == "r")
    }

    @Test(arguments: [
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"), (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
        (1_709_251_199, "Thu, 29 Feb 2024 23:59:59 GMT"),
    ])
    func httpDate(seconds: Int, text: String) {
        #expect(HTTPDate.format(epochSeconds: seconds) == text)
    }
}
