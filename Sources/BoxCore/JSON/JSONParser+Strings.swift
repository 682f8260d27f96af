import BoxCrypto

extension JSONParser {
    /// Parses a string starting at the opening quote. Fast path: a run without escapes becomes one String
    /// (ASCII needs no validation); otherwise the decoded bytes are collected and validated once.
    mutating func parseString() throws(JSONParseError) -> String {
        let start = index + 1
        var i = start
        var ascii = true
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                index = i + 1
                return try makeString(bytes[start..<i], ascii: ascii, offset: start)
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw JSONParseError(.controlCharacterInString, at: i) }
            if b >= 0x80 { ascii = false }
            i += 1
        }
        guard i < bytes.count else { throw JSONParseError(.unexpectedEnd, at: i) }
        return try parseEscapedString(from: start, firstEscape: i)
    }

    func makeString(_ slice: ArraySlice<UInt8>, ascii: Bool, offset: Int) throws(JSONParseError) -> String {
        if ascii { return String(decoding: slice, as: UTF8.self) }
        guard let s = String(validating: slice, as: UTF8.self) else {
            throw JSONParseError(.invalidUTF8, at: offset + Self.firstInvalidUTF8(in: slice))
        }
        return s
    }

    mutating func parseEscapedString(from start: Int, firstEscape: Int) throws(JSONParseError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(firstEscape - start + 16)
        // Raw bytes are validated segment by segment (between escapes) against the SOURCE, so an error offset
        // points into the input; decoded escapes are whole scalars and always valid.
        var segmentStart = start
        var segmentASCII = true
        var i = start
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                if !segmentASCII { try validateSegment(segmentStart..<i) }
                out.append(contentsOf: bytes[segmentStart..<i])
                if b == UInt8(ascii: "\"") {
                    index = i + 1
                    return String(decoding: out, as: UTF8.self)
                }
                guard i + 1 < bytes.count else { throw JSONParseError(.unexpectedEnd, at: i + 1) }
                let e = bytes[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): Self.appendUTF8(try unicodeEscape(at: &i), to: &out)
                default: throw JSONParseError(.invalidEscape, at: i - 2)
                }
                segmentStart = i
                segmentASCII = true
            default:
                if b < 0x20 { throw JSONParseError(.controlCharacterInString, at: i) }
                if b >= 0x80 { segmentASCII = false }
                i += 1
            }
        }
        throw JSONParseError(.unexpectedEnd, at: i)
    }

    func validateSegment(_ range: Range<Int>) throws(JSONParseError) {
        let slice = bytes[range]
        if String(validating: slice, as: UTF8.self) == nil {
            throw JSONParseError(.invalidUTF8, at: range.lowerBound + Self.firstInvalidUTF8(in: slice))
        }
    }

    /// Reads the 4 hex digits after `\u` (at `i`), and a following `\uDC00`–`\uDFFF` when the first is a
    /// high surrogate; returns the code point. `i` ends after what was consumed.
    func unicodeEscape(at i: inout Int) throws(JSONParseError) -> UInt32 {
        let escapeStart = i - 2
        let first = try hex4(at: i)
        i += 4
        switch first {
        case 0xD800...0xDBFF:
            guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                throw JSONParseError(.invalidSurrogate, at: escapeStart)
            }
            let second = try hex4(at: i + 2)
            guard (0xDC00...0xDFFF).contains(second) else { throw JSONParseError(.invalidSurrogate, at: escapeStart) }
            i += 6
            return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        case 0xDC00...0xDFFF:
            throw JSONParseError(.invalidSurrogate, at: escapeStart)
        default:
            return first
        }
    }

    func hex4(at i: Int) throws(JSONParseError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw JSONParseError(.unexpectedEnd, at: bytes.count) }
        var v: UInt32 = 0
        for k in i..<(i + 4) {
            guard let d = Hex.value(ofDigit: bytes[k]) else { throw JSONParseError(.invalidEscape, at: k) }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        // `unicodeEscape` refuses lone surrogates, so every value it returns is a Unicode scalar.
        out.append(contentsOf: Unicode.Scalar(scalar)!.utf8)
    }

    /// Offset (within `slice`) of the first byte that starts an invalid UTF-8 sequence; only called on the
    /// error path, to report a precise position.
    static func firstInvalidUTF8(in slice: ArraySlice<UInt8>) -> Int {
        var decoder = UTF8()
        var iterator = slice.makeIterator()
        var consumed = 0
        var lastGood = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s):
                consumed += UTF8.width(s)
                lastGood = consumed
            case .emptyInput, .error:
                return lastGood
            }
        }
    }
}
