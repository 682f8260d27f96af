/// Minimal JSON text helpers for the gateway's own small bodies (error messages, health, login) and its log lines.
enum JSONText {
    /// `text` as a JSON string literal, quotes included: `"` `\` and the control characters escaped (`\n`, `\r`,
    /// `\t`, else `\u00xx`), everything else as it is.
    ///
    /// Every access-log line quotes each of its fields, so this works on the UTF-8 bytes into one buffer
    /// (docs/performance.md); only ASCII bytes are ever escaped, so a multi-byte character is copied unchanged,
    /// exactly as a scalar-by-scalar escape writes it.
    static func quote(_ text: String) -> String {
        let bytes = text.utf8
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 2)
        out.append(UInt8(ascii: "\""))
        for b in bytes {
            if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
                out.append(b)
            } else if let short = shortEscape(b) {
                out.append(UInt8(ascii: "\\"))
                out.append(short)
            } else {
                out.append(contentsOf: "\\u00".utf8)
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 0x0F)])
            }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
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
