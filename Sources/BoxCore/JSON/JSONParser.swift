/// A strict RFC 8259 parser over UTF-8 bytes: no comments, no trailing commas, no NaN, no leading zeros,
/// no raw control characters in strings, no lone surrogates, valid UTF-8 only, one value per text, a nesting
/// limit. Errors carry the byte offset. Hand-written over `[UInt8]` because it is on the gateway hot path
/// (every Lambda result goes through it): ASCII strings without escapes are a single copy.
public struct JSONParser {
    /// The nesting limit used when none is given: deep enough for any real payload, shallow enough that a
    /// hostile `[[[[...` cannot exhaust the stack.
    public static let defaultMaxDepth = 512

    let bytes: [UInt8]
    let maxDepth: Int
    var index = 0
    var depth = 0

    public init(bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses the whole input as one JSON value surrounded by optional whitespace.
    public mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw JSONParseError(.trailingData, at: index) }
        return value
    }

    @inline(__always) mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// The next byte after whitespace, not consumed; the end of the input is an error here.
    @inline(__always) mutating func nextByte() throws(JSONParseError) -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw JSONParseError(.unexpectedEnd, at: index) }
        return bytes[index]
    }

    func unexpectedByte() -> JSONParseError { JSONParseError(.unexpectedByte(bytes[index]), at: index) }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        switch try nextByte() {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case let other: throw JSONParseError(.unexpectedByte(other), at: index)
        }
    }

    mutating func expectLiteral(_ word: String) throws(JSONParseError) {
        var k = 0
        for expected in word.utf8 {
            guard index + k < bytes.count else { throw JSONParseError(.unexpectedEnd, at: index + k) }
            guard bytes[index + k] == expected else {
                throw JSONParseError(.unexpectedByte(bytes[index + k]), at: index + k)
            }
            k += 1
        }
        index += k
    }

    mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        guard depth <= maxDepth else { throw JSONParseError(.depthLimitExceeded, at: index) }
        index += 1  // the opening bracket
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        var members: [JSONObject.Member] = []
        if try nextByte() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(JSONObject(members: members))
        }
        while true {
            guard try nextByte() == UInt8(ascii: "\"") else { throw unexpectedByte() }
            let key = try parseString()
            guard try nextByte() == UInt8(ascii: ":") else { throw unexpectedByte() }
            index += 1
            let value = try parseValue()
            members.append(JSONObject.Member(key: key, value: value))
            switch try nextByte() {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return .object(JSONObject(members: members))
            default: throw unexpectedByte()
            }
        }
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        var elements: [JSONValue] = []
        if try nextByte() == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue())
            switch try nextByte() {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return .array(elements)
            default: throw unexpectedByte()
            }
        }
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw JSONParseError(.invalidNumber, at: index) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            // RFC 8259: no leading zeros ("01" is two tokens, so an error).
            if index < bytes.count, isDigit(bytes[index]) { throw JSONParseError(.invalidNumber, at: index) }
        } else if isDigit(bytes[index]) {
            skipDigits()
        } else {
            throw JSONParseError(.invalidNumber, at: index)
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw JSONParseError(.invalidNumber, at: index) }
            skipDigits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw JSONParseError(.invalidNumber, at: index) }
            skipDigits()
        }
        return JSONNumber(validatedText: String(decoding: bytes[start..<index], as: UTF8.self))
    }

    @inline(__always) func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    @inline(__always) mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }
}
