import BoxCore
import Testing
@testable import GatewayService

/// The byte-level rewrites of per-request formatting (docs/performance.md) write exactly what the plain
/// versions they replaced wrote.
@Suite struct HotPathFormattingTests {
    /// A scalar-by-scalar JSON escape (RFC 8259 §7, with its two-character forms for `\b` and `\f` as BoxCore's
    /// JSONWriter writes them): the reference the byte-level writer must match.
    static func referenceQuote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{c}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    @Test(arguments: [
        "", "plain", "GET /users/42 200", "q\"uote", "back\\slash", "line\nfeed\r\ttab", "\u{0}\u{1}\u{1f}\u{7f}",
        "héllo wörld", "日本語\n", "emoji 😀 \"x\"", String(repeating: "a\u{8}", count: 300),
    ])
    func quoteMatchesTheScalarEscape(_ text: String) {
        #expect(JSONText.quote(text) == Self.referenceQuote(text))
    }

    @Test func quoteMatchesTheScalarEscapeOnEveryControlAndAsciiByte() {
        var everything = ""
        for value in 0..<0x80 { everything.unicodeScalars.append(Unicode.Scalar(UInt8(value))) }
        everything += "ü€𝄞"
        #expect(JSONText.quote(everything) == Self.referenceQuote(everything))
    }

    /// JSONWriter scans a string eight bytes at a time while none needs an escape: every ASCII byte and a few
    /// multi-byte characters, at every position of strings on both sides of the eight-byte steps, must come out as
    /// the scalar escape writes them, and parse back to the same string.
    @Test func quoteMatchesTheScalarEscapeAtEveryPosition() throws {
        let specials = (0..<0x80).map { String(UnicodeScalar(UInt8($0))) } + ["é", "中", "😀"]
        for length in 1...19 {
            for position in 0..<length {
                for special in specials {
                    let text =
                        String(repeating: "a", count: position) + special
                        + String(repeating: "b", count: length - position - 1)
                    let quoted = JSONText.quote(text)
                    #expect(quoted == Self.referenceQuote(text), "\(Array(text.utf8))")
                    #expect(try JSONValue(parsing: quoted).stringValue == text)
                }
            }
        }
    }

    @Test func newUUIDIsAVersion4UUIDInLowerCase() {
        var rng = SystemRandomNumberGenerator()
        var seen = Set<String>()
        for _ in 0..<200 {
            let id = RequestIdentity.newUUID(using: &rng)
            let bytes = Array(id.utf8)
            #expect(bytes.count == 36)
            for (i, b) in bytes.enumerated() {
                if [8, 13, 18, 23].contains(i) {
                    #expect(b == UInt8(ascii: "-"))
                } else {
                    #expect((b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66), "\(id)")
                }
            }
            #expect(bytes[14] == UInt8(ascii: "4"), "version nibble of \(id)")
            #expect(
                [UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(bytes[19]),
                "variant nibble of \(id)")
            #expect(RequestIdentity.isValidRequestID(id))
            seen.insert(id)
        }
        #expect(seen.count == 200)
    }

    /// A generator that returns fixed words, so the digits of a trace id can be checked one by one.
    struct FixedWords: RandomNumberGenerator {
        var words: [UInt64]
        mutating func next() -> UInt64 { words.removeFirst() }
    }

    @Test func newTraceIDHasTheEpochAnd24RandomHexDigits() {
        var rng = FixedWords(words: [0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210])
        let id = RequestIdentity.newTraceID(epochSeconds: 0x5f5e_1000, using: &rng)
        #expect(id == "Root=1-5f5e1000-0123456789abcdeffedcba98")
        var small = FixedWords(words: [0, 0])
        #expect(
            RequestIdentity.newTraceID(epochSeconds: 0x1f, using: &small) == "Root=1-0000001f-000000000000000000000000")
    }

    @Test func newUUIDWritesTheWordsAsHexWithVersionAndVariant() {
        var rng = FixedWords(words: [0xffff_ffff_ffff_ffff, 0])
        #expect(RequestIdentity.newUUID(using: &rng) == "ffffffff-ffff-4fff-8000-000000000000")
    }
}
