/// The shared base64 engine behind `Base64` (RFC 4648 §4) and `Base64URL` (§5): one alphabet table, one
/// reverse table, and the padding / canonical-form policy of each flavour.
struct Base64Codec: Sendable {
    let alphabet: [UInt8]
    let reverse: [UInt8]
    /// Encoder writes `=` padding.
    let pads: Bool
    /// Decoder rejects an encoding whose unused trailing bits are not zero (so every byte string has exactly
    /// one accepted encoding: a JWT signature cannot be altered without being rejected).
    let canonicalOnly: Bool

    static let invalid: UInt8 = 0xFF

    init(alphabet text: String, pads: Bool, canonicalOnly: Bool) {
        alphabet = Array(text.utf8)
        var table = [UInt8](repeating: Self.invalid, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        reverse = table
        self.pads = pads
        self.canonicalOnly = canonicalOnly
    }

    static let standard = Base64Codec(
        alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", pads: true, canonicalOnly: false)
    static let url = Base64Codec(
        alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", pads: false, canonicalOnly: true)

    func encode(_ bytes: [UInt8], into out: inout [UInt8]) {
        let n = bytes.count
        out.reserveCapacity(out.count + (pads ? (n + 2) / 3 * 4 : (n * 4 + 2) / 3))
        let full = n - n % 3
        for i in stride(from: 0, to: full, by: 3) {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(v >> 18)])
            out.append(alphabet[Int((v >> 12) & 63)])
            out.append(alphabet[Int((v >> 6) & 63)])
            out.append(alphabet[Int(v & 63)])
        }
        // The last 1 or 2 bytes: 2 or 3 characters, then `=` up to a quantum of 4 when padding.
        let rest = n - full
        guard rest > 0 else { return }
        let v = UInt32(bytes[full]) << 16 | (rest == 2 ? UInt32(bytes[full + 1]) << 8 : 0)
        out.append(alphabet[Int(v >> 18)])
        out.append(alphabet[Int((v >> 12) & 63)])
        if rest == 2 { out.append(alphabet[Int((v >> 6) & 63)]) }
        if pads { out.append(contentsOf: repeatElement(UInt8(ascii: "="), count: 3 - rest)) }
    }

    /// Decodes `text`; nil on a character outside the alphabet, a misplaced or wrong amount of padding, an
    /// impossible length, or (when `canonicalOnly`) non-zero trailing bits. Padding is optional for the
    /// standard flavour and refused for the URL flavour.
    func decode<Text: Collection>(_ text: Text) -> [UInt8]? where Text.Element == UInt8 {
        var chars = Array(text)
        var padding = 0
        while let last = chars.last, last == UInt8(ascii: "=") {
            chars.removeLast()
            padding += 1
        }
        if padding > 0 {
            // Padding is legal only in the padded flavour, and must complete the final quantum exactly.
            guard pads, padding <= 2, (chars.count + padding) % 4 == 0 else { return nil }
        }
        let remainder = chars.count % 4
        guard remainder != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count * 3 / 4)
        let full = chars.count - remainder
        for i in stride(from: 0, to: full, by: 4) {
            let a = reverse[Int(chars[i])], b = reverse[Int(chars[i + 1])]
            let c = reverse[Int(chars[i + 2])], d = reverse[Int(chars[i + 3])]
            guard a < 64, b < 64, c < 64, d < 64 else { return nil }
            let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
            out.append(UInt8(truncatingIfNeeded: v >> 16))
            out.append(UInt8(truncatingIfNeeded: v >> 8))
            out.append(UInt8(truncatingIfNeeded: v))
        }
        // The last 2 or 3 characters: 1 or 2 bytes, the unused low bits zero when `canonicalOnly`.
        guard remainder > 0 else { return out }
        let a = reverse[Int(chars[full])], b = reverse[Int(chars[full + 1])]
        let c = remainder == 3 ? reverse[Int(chars[full + 2])] : 0
        guard a < 64, b < 64, c < 64 else { return nil }
        if canonicalOnly && (remainder == 2 ? b & 0x0F : c & 0x03) != 0 { return nil }
        out.append(a << 2 | b >> 4)
        if remainder == 3 { out.append((b & 0x0F) << 4 | c >> 2) }
        return out
    }
}
