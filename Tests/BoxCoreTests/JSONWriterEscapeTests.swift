import BoxCore
import Testing

/// The writer's string escaping takes eight bytes at a time while none needs an escape. Every ASCII byte and a few
/// multi-byte characters, at every position of strings on both sides of the eight-byte steps, must come out as the
/// plain byte-by-byte rule writes them, and parse back to the same string.
@Test func escapingMatchesTheByteByByteRuleAtEveryPosition() throws {
    let specials: [String] = (0..<0x80).map { String(UnicodeScalar(UInt8($0))) } + ["é", "中", "😀"]
    for length in 1...19 {
        for position in 0..<length {
            for special in specials {
                var text = String(repeating: "a", count: position) + special
                text += String(repeating: "b", count: length - position - 1)
                var writer = JSONWriter()
                writer.string(text)
                let written = String(decoding: writer.bytes, as: UTF8.self)
                #expect(written == "\"" + referenceEscape(text) + "\"", "\(Array(text.utf8))")
                #expect(try JSONValue(parsing: written).stringValue == text)
            }
        }
    }
}

/// The rule of docs/events-and-auth.md's event strings, one byte at a time: short forms where JSON has them,
/// `\u00XX` for other control characters, everything else as is.
private func referenceEscape(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\u{00}"..."\u{1F}":
            let hex = String(scalar.value, radix: 16)
            out += "\\u00" + (hex.count == 1 ? "0" + hex : hex)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}
