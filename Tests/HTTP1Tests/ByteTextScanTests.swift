import HTTP1
import Testing

/// `ByteText.firstIndex(in:from:to:below:or:_:)` skips eight bytes at a time while none matches. Every byte value at
/// every position of buffers on both sides of the eight-byte steps, and ranges that start inside the buffer, must
/// give what a byte-by-byte search gives, for the three questions the parser and the JSON writer ask.
@Test func wordAtATimeSearchMatchesTheByteByByteSearch() {
    let questions: [(limit: UInt8, a: UInt8, b: UInt8)] = [
        (0, 0x0D, 0x0A),  // the head scan: CR or LF
        (0x20, 0x7F, 0x7F),  // a header value: a control character or DEL
        (0x20, UInt8(ascii: "\""), UInt8(ascii: "\\")),  // JSON string content
    ]
    for length in 0...19 {
        for position in 0..<max(length, 1) {
            for value in 0...255 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                if length > 0 { bytes[position] = UInt8(value) }
                for q in questions {
                    for from in [0, min(1, length), min(3, length)] {
                        let found = ByteText.firstIndex(
                            in: bytes.span, from: from, to: length, below: q.limit, or: q.a, q.b)
                        let expected =
                            (from..<length).first { bytes[$0] < q.limit || bytes[$0] == q.a || bytes[$0] == q.b }
                            ?? length
                        #expect(found == expected, "length \(length) value \(value) at \(position) from \(from)")
                    }
                }
            }
        }
    }
}
