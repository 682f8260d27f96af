import BoxCore
import Testing

/// Valid texts and their compact serialization (which keeps member order and number literals exactly).
@Test(arguments: [
    ("null", "null"), ("true", "true"), ("false", "false"),
    ("0", "0"), ("-0", "-0"), ("123", "123"), ("-7", "-7"), ("1.50", "1.50"), ("1e3", "1e3"), ("-2.5E-3", "-2.5E-3"),
    ("12345678901234567890123", "12345678901234567890123"),
    ("\"\"", "\"\""), ("\"abc\"", "\"abc\""),
    (" \t\r\n[ 1 , 2 ,3 ] \n", "[1,2,3]"),
    ("{\"b\":1,\"a\":2}", "{\"b\":1,\"a\":2}"),
    ("{ \"k\" : [ ] , \"o\" : { } }", "{\"k\":[],\"o\":{}}"),
    ("[[[[]]]]", "[[[[]]]]"),
    ("\"a\\/b\"", "\"a/b\""),  // `/` is never escaped on output
    ("\"\\\"\\\\\\b\\f\\n\\r\\t\"", "\"\\\"\\\\\\b\\f\\n\\r\\t\""),
    ("\"\\u0001\\u001F\"", "\"\\u0001\\u001f\""),
    ("\"\\u00e9\\u4e2d\"", "\"é中\""),  // non-ASCII goes out as UTF-8
    ("\"\\ud83d\\ude00\"", "\"😀\""),  // surrogate pair
    ("\"héllo 😀\"", "\"héllo 😀\""),
    ("{\"a\":1,\"a\":2}", "{\"a\":1,\"a\":2}"),  // duplicates kept
    ("\"\u{7F}\"", "\"\u{7F}\""),
])
func parsesAndSerializes(input: String, expected: String) throws {
    let value = try JSONValue(parsing: input)
    #expect(value.jsonString == expected)
    // The serialization parses back to the same value.
    #expect(try JSONValue(parsing: value.serialized()) == value)
}

/// Malformed texts: the reason and the byte offset where it was noticed.
@Test(
    arguments: [
        ("", JSONParseError.Reason.unexpectedEnd, 0),
        ("   ", .unexpectedEnd, 3),
        ("nul", .unexpectedEnd, 3),
        ("nulL", .unexpectedByte(UInt8(ascii: "L")), 3),
        ("True", .unexpectedByte(UInt8(ascii: "T")), 0),
        ("01", .invalidNumber, 1),
        ("-", .invalidNumber, 1),
        ("-a", .invalidNumber, 1),
        ("1.", .invalidNumber, 2),
        (".5", .unexpectedByte(UInt8(ascii: ".")), 0),
        ("1e", .invalidNumber, 2),
        ("1e+", .invalidNumber, 3),
        ("+1", .unexpectedByte(UInt8(ascii: "+")), 0),
        ("NaN", .unexpectedByte(UInt8(ascii: "N")), 0),
        ("[1,]", .unexpectedByte(UInt8(ascii: "]")), 3),
        ("[1 2]", .unexpectedByte(UInt8(ascii: "2")), 3),
        ("{\"a\":1,}", .unexpectedByte(UInt8(ascii: "}")), 7),
        ("{\"a\" 1}", .unexpectedByte(UInt8(ascii: "1")), 5),
        ("{a:1}", .unexpectedByte(UInt8(ascii: "a")), 1),
        ("{\"a\":1", .unexpectedEnd, 6),
        ("[", .unexpectedEnd, 1),
        ("\"abc", .unexpectedEnd, 4),
        ("\"a\nb\"", .controlCharacterInString, 2),
        ("\"\\x\"", .invalidEscape, 1),
        ("\"\\u12G4\"", .invalidEscape, 5),
        ("\"\\u12", .unexpectedEnd, 5),
        ("\"\\ud83d\"", .invalidSurrogate, 1),
        ("\"\\ud83dx\"", .invalidSurrogate, 1),
        ("\"\\ud83d\\u0041\"", .invalidSurrogate, 1),
        ("\"\\ude00\"", .invalidSurrogate, 1),
        ("1 2", .trailingData, 2),
        ("{} x", .trailingData, 3),
        ("// c\n1", .unexpectedByte(UInt8(ascii: "/")), 0),
    ] as [(String, JSONParseError.Reason, Int)])
func rejectsMalformed(input: String, reason: JSONParseError.Reason, offset: Int) {
    #expect(throws: JSONParseError(reason, at: offset)) { try JSONValue(parsing: input) }
}

@Test(
    arguments: [
        ([0x22, 0x61, 0xFF, 0x22], 2),  // a byte that never appears in UTF-8
        ([0x22, 0x61, 0x62, 0xC3, 0x22], 3),  // truncated 2-byte sequence
        ([0x22, 0xC0, 0xAF, 0x22], 1),  // overlong encoding of '/'
        ([0x22, 0xED, 0xA0, 0x80, 0x22], 1),  // UTF-8 encoded surrogate
        ([0x22, 0x5C, 0x6E, 0xFF, 0x22], 3),  // after an escape: still the offending byte
    ] as [([UInt8], Int)])
func rejectsInvalidUTF8(bytes: [UInt8], offset: Int) {
    #expect(throws: JSONParseError(.invalidUTF8, at: offset)) { try JSONValue(parsing: bytes) }
}

@Test func depthLimit() throws {
    let ok = String(repeating: "[", count: 10) + String(repeating: "]", count: 10)
    #expect(throws: Never.self) { try JSONValue(parsing: ok, maxDepth: 10) }
    #expect(throws: JSONParseError(.depthLimitExceeded, at: 10)) {
        try JSONValue(parsing: "[" + ok + "]", maxDepth: 10)
    }
    // The default limit stops a hostile nesting long before the stack would.
    let hostile = String(repeating: "[", count: 100_000)
    #expect(throws: JSONParseError(.depthLimitExceeded, at: JSONParser.defaultMaxDepth)) {
        try JSONValue(parsing: hostile)
    }
}

@Test func everyPrefixOfAValidTextIsRefused() throws {
    let text = Array("{\"a\":[1,-2.5e3,true,null,\"x\\u00e9\\ud83d\\ude00\"],\"b\":{\"c\":\"d\"}}".utf8)
    #expect(throws: Never.self) { try JSONValue(parsing: text) }
    for n in 0..<text.count {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: Array(text[0..<n])) }
    }
}

@Test func errorDescriptionNamesTheOffset() {
    let error = JSONParseError(.unexpectedByte(UInt8(ascii: "}")), at: 12)
    #expect(error.description == "invalid JSON at byte 12: unexpected byte '}'")
}
