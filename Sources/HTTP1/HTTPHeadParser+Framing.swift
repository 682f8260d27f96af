/// The framing fields (Content-Length, Transfer-Encoding, Connection, Expect, Host): the request-smuggling
/// checks live here.
extension HTTPHeadParser {
    static func inspect(
        _ b: [UInt8], _ nameStart: Int, _ nameEnd: Int, _ valueStart: Int, _ valueEnd: Int,
        _ f: inout FramingFields
    ) throws(HTTPParseError) {
        // Dispatch on length first: most fields are none of these, and this keeps the common case cheap.
        switch nameEnd - nameStart {
        case 14 where ASCII.equalsLower(b, nameStart, nameEnd, ASCII.contentLength):
            try forEachElement(b, valueStart, valueEnd) { (s: Int, e: Int) throws(HTTPParseError) in
                // Any second value, even an identical one, is a smuggling shape (docs/network-runtime.md): RFC 9110
                // lets a recipient collapse identical values, but a proxy in front may have read only one of them.
                guard f.contentLength == nil else { throw .badRequest("duplicate Content-Length") }
                f.contentLength = try decimal(b, s, e)
            }
            if f.contentLength == nil { throw .badRequest("empty Content-Length") }
        case 17 where ASCII.equalsLower(b, nameStart, nameEnd, ASCII.transferEncoding):
            f.hasTransferEncoding = true
            var any = false
            try forEachElement(b, valueStart, valueEnd) { (s: Int, e: Int) throws(HTTPParseError) in
                any = true
                // A coding after chunked (or chunked twice) is a smuggling shape.
                if ASCII.equalsLower(b, s, e, ASCII.chunked) {
                    f.chunkedCount += 1
                    f.chunkedLast = true
                } else {
                    f.chunkedLast = false
                    f.otherCoding = true
                }
            }
            if !any { throw .badRequest("empty Transfer-Encoding") }
        case 10 where ASCII.equalsLower(b, nameStart, nameEnd, ASCII.connection):
            try forEachElement(b, valueStart, valueEnd) { (s: Int, e: Int) throws(HTTPParseError) in
                if ASCII.equalsLower(b, s, e, ASCII.close) { f.connectionClose = true }
                if ASCII.equalsLower(b, s, e, ASCII.keepAlive) { f.connectionKeepAlive = true }
            }
        case 6 where ASCII.equalsLower(b, nameStart, nameEnd, ASCII.expect):
            if ASCII.equalsLower(b, valueStart, valueEnd, ASCII.continue100) {
                f.expectContinue = true
            } else {
                f.expectOther = true
            }
        case 4 where ASCII.equalsLower(b, nameStart, nameEnd, ASCII.host):
            f.hostCount += 1
        default:
            break
        }
    }

    /// Calls `body` with the bounds of every non-empty element of a comma-separated list, trimmed of OWS.
    static func forEachElement(
        _ b: [UInt8], _ from: Int, _ to: Int, _ body: (Int, Int) throws(HTTPParseError) -> Void
    ) throws(HTTPParseError) {
        var i = from
        while i < to {
            while i < to, b[i] == ASCII.space || b[i] == ASCII.tab || b[i] == ASCII.comma { i += 1 }
            let s = i
            while i < to, b[i] != ASCII.comma { i += 1 }
            var e = i
            while e > s, b[e - 1] == ASCII.space || b[e - 1] == ASCII.tab { e -= 1 }
            if e > s { try body(s, e) }
        }
    }

    /// A Content-Length value: 1 to 18 decimal digits, nothing else (no sign, no spaces inside).
    static func decimal(_ b: [UInt8], _ from: Int, _ to: Int) throws(HTTPParseError) -> Int {
        guard to > from, to - from <= 18 else { throw .badRequest("bad Content-Length") }
        var value = 0
        for k in from..<to {
            let d = b[k]
            guard d >= 0x30, d <= 0x39 else { throw .badRequest("bad Content-Length") }
            value = value * 10 + Int(d - 0x30)
        }
        return value
    }
}
