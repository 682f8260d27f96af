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
            i = bytes.index(after: i)
            if b == UInt8(ascii: "%"), i != bytes.endIndex, let high = Hex.value(ofDigit: bytes[i]),
                case let l = bytes.index(after: i), l != bytes.endIndex, let low = Hex.value(ofDigit: bytes[l])
            {
                out.append(high << 4 | low)
                i = bytes.index(after: l)
            } else {
                out.append(b)
            }
        }
        return out
    }
}
