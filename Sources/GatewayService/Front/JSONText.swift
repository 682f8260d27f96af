/// Minimal JSON text helpers for the gateway's own small bodies (error messages, health, login) and its log lines.
enum JSONText {
    /// `text` as a JSON string literal, quotes included: `"` `\` and the control characters escaped (`\n`, `\r`,
    /// `\t`, else `\u00xx`), everything else as it is.
    ///
    /// Every access-log line quotes each of its fields, so this works on the UTF-8 bytes into one buffer of the
    /// final size (docs/performance.md); only ASCII bytes are ever escaped, so a multi-byte character is copied
    /// unchanged, exactly as a scalar-by-scalar escape writes it.
    static func quote(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            var size = bytes.count + 2
            for b in bytes where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                size += shortEscape(b) == nil ? 5 : 1
            }
            return String(unsafeUninitializedCapacity: size) { out in
                var at = 0
                func put(_ byte: UInt8) {
                    out[at] = byte
                    at += 1
                }
                put(UInt8(ascii: "\""))
                for b in bytes {
                    if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
                        put(b)
                    } else if let short = shortEscape(b) {
                        put(UInt8(ascii: "\\"))
                        put(short)
                    } else {
                        for c in "\\u00".utf8 { put(c) }
                        put(hexDigits[Int(b >> 4)])
                        put(hexDigits[Int(b & 0x0F)])
                    }
                }
                put(UInt8(ascii: "\""))
                return at
            }
        }
    }

    /// The letter after `\` for the bytes with a short escape, nil for the other control characters.
    @inline(__always) static func shortEscape(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "\""): UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): UInt8(ascii: "\\")
        case UInt8(ascii: "\n"): UInt8(ascii: "n")
        case UInt8(ascii: "\r"): UInt8(ascii: "r")
        case UInt8(ascii: "\t"): UInt8(ascii: "t")
        default: nil
        }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
