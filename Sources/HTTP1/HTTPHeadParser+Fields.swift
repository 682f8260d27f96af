/// The second pass: start line and header fields of a head whose CRLFs the scan already checked.
extension HTTPHeadParser {
    /// What the framing-relevant fields said, collected while the fields are parsed.
    struct FramingFields {
        var contentLength: Int?
        var hasTransferEncoding = false
        var chunkedLast = false
        var chunkedCount = 0
        var otherCoding = false
        var connectionClose = false
        var connectionKeepAlive = false
        var hostCount = 0
        var expectContinue = false
        var expectOther = false
    }

    static func requestHead(_ b: [UInt8], from: Int, to: Int) throws(HTTPParseError) -> HTTPRequestHead {
        // Request line: method SP target SP HTTP/1.x
        let lineEnd = lineEnd(b, from: from)
        var i = from
        while i < lineEnd, ASCII.isToken(b[i]) { i += 1 }
        guard i > from, i < lineEnd, b[i] == ASCII.space else { throw .badRequest("malformed method") }
        let method = String(decoding: b[from..<i], as: UTF8.self)
        i += 1
        let targetStart = i
        while i < lineEnd, b[i] > 0x20, b[i] < 0x7F { i += 1 }
        guard i > targetStart, i < lineEnd, b[i] == ASCII.space else { throw .badRequest("malformed target") }
        var target = String(decoding: b[targetStart..<i], as: UTF8.self)
        let minor = try version(b, from: i + 1, to: lineEnd)

        var fields = FramingFields()
        var headers = try parseFields(b, from: lineEnd + 2, to: to, into: &fields)
        // Absolute-form (RFC 9112 §3.2.2): the target's authority wins over any Host field.
        if b[targetStart] != UInt8(ascii: "/"), let absolute = AbsoluteFormTarget.split(Array(b[targetStart..<i])) {
            target = absolute.originForm
            headers.replaceOrAdd(name: "Host", value: absolute.authority)
        }

        if fields.hasTransferEncoding {
            guard fields.contentLength == nil else { throw .badRequest("Transfer-Encoding with Content-Length") }
            guard minor == 1 else { throw .badRequest("Transfer-Encoding in HTTP/1.0") }
            guard fields.chunkedCount == 1, fields.chunkedLast else { throw .badRequest("chunked not final coding") }
            if fields.otherCoding { throw .unsupportedTransferCoding }
        }
        if minor == 1, fields.hostCount != 1 { throw .badRequest("Host missing or repeated") }
        if fields.expectOther { throw .expectationFailed }
        let framing: HTTPBodyFraming =
            fields.hasTransferEncoding
            ? .chunked : fields.contentLength.map { $0 == 0 ? .none : .contentLength($0) } ?? .none
        let keepAlive = minor == 1 ? !fields.connectionClose : (fields.connectionKeepAlive && !fields.connectionClose)
        return HTTPRequestHead(
            method: method, target: target, minorVersion: minor, headers: headers, framing: framing,
            keepAlive: keepAlive, expectsContinue: minor == 1 && fields.expectContinue)
    }

    static func responseHead(
        _ b: [UInt8], from: Int, to: Int, requestMethod: String
    ) throws(HTTPParseError) -> HTTPResponseHead {
        // Status line: HTTP/1.x SP 3DIGIT SP reason
        let lineEnd = lineEnd(b, from: from)
        guard lineEnd - from >= 12 else { throw .badRequest("malformed status line") }
        let minor = try version(b, from: from, to: from + 8)
        var status = 0
        guard b[from + 8] == ASCII.space else { throw .badRequest("malformed status line") }
        for k in from + 9..<from + 12 {
            guard b[k] >= 0x30, b[k] <= 0x39 else { throw .badRequest("malformed status code") }
            status = status * 10 + Int(b[k] - 0x30)
        }
        guard status >= 100 else { throw .badRequest("malformed status code") }
        if lineEnd > from + 12 {
            guard b[from + 12] == ASCII.space else { throw .badRequest("malformed status line") }
            for k in from + 13..<lineEnd where !ASCII.isFieldValue(b[k]) { throw .badRequest("bad reason phrase") }
        }
        var fields = FramingFields()
        let headers = try parseFields(b, from: lineEnd + 2, to: to, into: &fields)
        let framing: HTTPBodyFraming
        if requestMethod == "HEAD" || status < 200 || status == 204 || status == 304 {
            framing = .none
        } else if fields.hasTransferEncoding {
            framing = (fields.chunkedLast && fields.chunkedCount == 1 && !fields.otherCoding) ? .chunked : .untilClose
        } else if let length = fields.contentLength {
            framing = length == 0 ? .none : .contentLength(length)
        } else {
            framing = .untilClose
        }
        var keepAlive = minor == 1 ? !fields.connectionClose : (fields.connectionKeepAlive && !fields.connectionClose)
        if framing == .untilClose { keepAlive = false }
        return HTTPResponseHead(
            status: status, minorVersion: minor, headers: headers, framing: framing, keepAlive: keepAlive)
    }

    /// Index of the CR that ends the line starting at `from` (the scan guarantees one exists).
    static func lineEnd(_ b: [UInt8], from: Int) -> Int {
        var i = from
        while b[i] != ASCII.cr { i += 1 }
        return i
    }

    /// `HTTP/1.0` or `HTTP/1.1` exactly in `b[from..<to]`; another major version is 505.
    static func version(_ b: [UInt8], from: Int, to: Int) throws(HTTPParseError) -> Int {
        guard to - from == 8, b[from..<from + 5].elementsEqual(ASCII.httpSlash), b[from + 6] == UInt8(ascii: "."),
            b[from + 5] >= 0x30, b[from + 5] <= 0x39, b[from + 7] >= 0x30, b[from + 7] <= 0x39
        else { throw .badRequest("malformed HTTP version") }
        guard b[from + 5] == UInt8(ascii: "1") else { throw .unsupportedVersion }
        // HTTP/1.2+ is answered as 1.1 (RFC 9110 §2.5: same major version).
        return b[from + 7] == UInt8(ascii: "0") ? 0 : 1
    }

    /// Parses `name: value` lines from `from` up to the final CRLF at `to - 2`.
    static func parseFields(
        _ b: [UInt8], from: Int, to: Int, into f: inout FramingFields
    ) throws(HTTPParseError) -> HTTPHeaders {
        var i = from
        let end = to - 2
        // Room for the usual number of fields at once spares the array's regrowth (1, 2, 4, 8 … fields), one
        // allocation each; counting the lines first cost a pass over the head's bytes (docs/performance.md).
        var headers = HTTPHeaders(capacity: 16)
        let token = ASCII.tokenTable  // once, not a global's accessor per byte
        while i < end {
            let nameStart = i
            while token[Int(b[i])] { i += 1 }
            guard i > nameStart, b[i] == ASCII.colon else { throw .badRequest("malformed header name") }
            let nameEnd = i
            i += 1
            while b[i] == ASCII.space || b[i] == ASCII.tab { i += 1 }
            let valueStart = i
            while true {
                // Visible bytes (and obs-text) are most of a value: skipped eight at a time; then CR, HTAB or an error.
                i = ByteText.firstIndex(in: b.span, from: i, to: to, below: 0x20, or: 0x7F, 0x7F)
                let byte = b[i]
                if byte == ASCII.cr { break }
                guard byte == ASCII.tab else { throw .badRequest("control character in header value") }
                i += 1
            }
            var valueEnd = i
            while valueEnd > valueStart, b[valueEnd - 1] == ASCII.space || b[valueEnd - 1] == ASCII.tab {
                valueEnd -= 1
            }
            try inspect(b, nameStart, nameEnd, valueStart, valueEnd, &f)
            headers.add(
                name: String(decoding: b[nameStart..<nameEnd], as: UTF8.self),
                value: String(decoding: b[valueStart..<valueEnd], as: UTF8.self))
            i += 2
        }
        return headers
    }
}
