import BoxCrypto

/// Percent-decoding of URL bytes (`%2F` → `/`). `+` stays `+` (that rule is for query strings), a `%` not
/// followed by two hex digits stays as written, and bytes that do not form UTF-8 become U+FFFD.
public enum PercentDecoding {
    public static func decode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        guard bytes.contains(UInt8(ascii: "%")) else { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: decodedBytes(bytes), as: UTF8.self)
    }

    /// The decoded bytes of `bytes` (SigV4 re-encodes them).
    public static func decodedBytes<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "%") {
                let h = bytes.index(after: i)
                if h != bytes.endIndex, let high = Hex.value(ofDigit: bytes[h]) {
                    let l = bytes.index(after: h)
                    if l != bytes.endIndex, let low = Hex.value(ofDigit: bytes[l]) {
                        out.append(high << 4 | low)
                        i = bytes.index(after: l)
                        continue
                    }
                }
            }
            out.append(b)
            i = bytes.index(after: i)
        }
        return out
    }
}
