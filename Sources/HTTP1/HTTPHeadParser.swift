/// An incremental, strict HTTP/1.x head parser (request or response).
///
/// Feed it the connection's buffer after every read: it resumes scanning where it stopped, so total work
/// is linear however the bytes are split. Line endings must be CRLF: a bare CR or a bare LF is a 400
/// (lenient line endings are one of the request-smuggling levers). Once the empty line arrives the head
/// is parsed in one pass and validated (see `HTTPRequestHead` rules in docs/network-runtime.md).
public struct HTTPHeadParser: Sendable {
    /// Largest head (start line + fields + final CRLF) accepted; beyond it 431.
    public let maxHeaderBytes: Int
    // Offset (from the start given to parse) where scanning resumes.
    var scanned = 0
    // Offset where the current line starts.
    var lineStart = 0
    // Offset of the first non-empty line (leading CRLFs between pipelined requests are skipped).
    var headStart = 0
    var sawCR = false
    var lineCount = 0

    /// A parser with the given head limit (default 16 KiB).
    public init(maxHeaderBytes: Int = 16 * 1024) {
        self.maxHeaderBytes = maxHeaderBytes
    }

    /// Forgets everything scanned (call after a complete head, before the next message).
    public mutating func reset() {
        scanned = 0
        lineStart = 0
        headStart = 0
        sawCR = false
        lineCount = 0
    }

    /// Parses a request head from `buffer[start..<end]` (`end` defaults to `buffer.count`). Call again with the
    /// same `start` after more bytes arrived.
    public mutating func parseRequest(
        _ buffer: [UInt8], start: Int = 0, end: Int? = nil
    ) throws(HTTPParseError) -> HTTPHeadParseResult<HTTPRequestHead> {
        guard let headEnd = try scan(buffer, start: start, end: end ?? buffer.count) else { return .incomplete }
        let head = try HTTPHeadParser.requestHead(buffer, from: start + headStart, to: headEnd)
        reset()
        return .complete(head, bodyStart: headEnd)
    }

    /// Parses a response head; `requestMethod` decides framing (HEAD responses have no body).
    public mutating func parseResponse(
        _ buffer: [UInt8], start: Int = 0, end: Int? = nil, requestMethod: String
    ) throws(HTTPParseError) -> HTTPHeadParseResult<HTTPResponseHead> {
        guard let headEnd = try scan(buffer, start: start, end: end ?? buffer.count) else { return .incomplete }
        let head = try HTTPHeadParser.responseHead(
            buffer, from: start + headStart, to: headEnd, requestMethod: requestMethod)
        reset()
        return .complete(head, bodyStart: headEnd)
    }

    /// Scans for the empty line that ends the head; returns the index just past it, or nil.
    mutating func scan(_ buffer: [UInt8], start: Int, end: Int) throws(HTTPParseError) -> Int? {
        var i = start + scanned
        while i < end {
            if i - start - headStart >= maxHeaderBytes { throw .headerTooLarge }
            let byte = buffer[i]
            if sawCR {
                guard byte == ASCII.lf else { throw .badRequest("bare CR") }
                sawCR = false
                let lineEnd = i - 1 - start
                if lineEnd == lineStart {
                    if lineCount == 0 {
                        // Empty lines before a start line: tolerated (RFC 9112 §2.2), a few only.
                        guard lineStart < 8 else { throw .badRequest("empty lines before start line") }
                        headStart = i + 1 - start
                    } else {
                        scanned = i + 1 - start
                        return i + 1
                    }
                } else {
                    if lineCount > 0, buffer[start + lineStart] == ASCII.space || buffer[start + lineStart] == ASCII.tab
                    {
                        throw .badRequest("obs-fold")
                    }
                    lineCount += 1
                }
                lineStart = i + 1 - start
            } else if byte == ASCII.cr {
                sawCR = true
            } else if byte == ASCII.lf {
                throw .badRequest("bare LF")
            } else {
                // Inside a line: skip to its CR (or a bare LF) in a tight loop, up to the size limit, which the
                // check above then reports. Most of a head's bytes are here (docs/performance.md).
                let runEnd = Swift.min(end, start + headStart + maxHeaderBytes)
                i = ByteText.firstIndex(in: buffer.span, from: i + 1, to: runEnd, below: 0, or: ASCII.cr, ASCII.lf)
                continue
            }
            i += 1
        }
        scanned = i - start
        return nil
    }
}

/// Byte constants and character classes of RFC 9110.
enum ASCII {
    static let cr: UInt8 = 13
    static let lf: UInt8 = 10
    static let space: UInt8 = 32
    static let tab: UInt8 = 9
    static let colon: UInt8 = 58
    static let comma: UInt8 = 44
    static let semicolon: UInt8 = 59

    /// tchar: the characters of a token (method, header name).
    static let tokenTable: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for b in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(b)] = true }
        for b in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(b)] = true }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(b)] = true }
        for c in "!#$%&'*+-.^_`|~".utf8 { table[Int(c)] = true }
        return table
    }()

    @inline(__always) static func isToken(_ b: UInt8) -> Bool { tokenTable[Int(b)] }

    /// field-vchar / SP / HTAB / obs-text: what may appear in a field value.
    @inline(__always) static func isFieldValue(_ b: UInt8) -> Bool {
        b == tab || (b >= 0x20 && b != 0x7F)
    }

    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }

    @inline(__always) static func isHexDigit(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
    }

    @inline(__always) static func hexValue(_ b: UInt8) -> Int {
        b <= 0x39 ? Int(b - 0x30) : Int(lower(b) - 0x61 + 10)
    }

    /// Case-insensitive comparison of `buffer[from..<to]` with a lower-case ASCII word.
    static func equalsLower(_ buffer: [UInt8], _ from: Int, _ to: Int, _ word: [UInt8]) -> Bool {
        guard to - from == word.count else { return false }
        var i = from
        for c in word {
            if lower(buffer[i]) != c { return false }
            i += 1
        }
        return true
    }

    static let contentLength = Array("content-length".utf8)
    static let transferEncoding = Array("transfer-encoding".utf8)
    static let connection = Array("connection".utf8)
    static let expect = Array("expect".utf8)
    static let host = Array("host".utf8)
    static let chunked = Array("chunked".utf8)
    static let close = Array("close".utf8)
    static let keepAlive = Array("keep-alive".utf8)
    static let continue100 = Array("100-continue".utf8)
    static let httpSlash = Array("HTTP/".utf8)
}
