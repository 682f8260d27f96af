/// Percent-decoding of URL path bytes (`%2F` → `/`). `+` stays `+` (that rule is for query strings), a `%` not
/// followed by two hex digits stays as written, and bytes that do not form UTF-8 become U+FFFD.
public enum PercentDecoding {
    /// The decoded text of `bytes`.
    public static func decode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        guard bytes.contains(UInt8(ascii: "%")) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "%") {
                let h = bytes.index(after: i)
                if h != bytes.endIndex, let high = hexValue(bytes[h]) {
                    let l = bytes.index(after: h)
                    if l != bytes.endIndex, let low = hexValue(bytes[l]) {
                        out.append(high << 4 | low)
                        i = bytes.index(after: l)
                        continue
                    }
                }
            }
            out.append(b)
            i = bytes.index(after: i)
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x41 + 10
        case 0x61...0x66: b - 0x61 + 10
        default: nil
        }
    }
}
