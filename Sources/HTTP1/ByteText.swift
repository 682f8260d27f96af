/// Text written into and searched in byte buffers without a String between: the hot path's numbers and ASCII searches.
/// Free of the rest of HTTP1, so that the event fuzzer (fuzz/run-events-fuzz.sh) compiles it with BoxCore's events.
public enum ByteText {
    /// A non-negative decimal, written in place (no digit array or String: HTTP1 writes each message's
    /// `Content-Length` with it, BoxCore's `JSONWriter` its numbers).
    public static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        var divisor = 1
        while divisor <= value / 10 { divisor &*= 10 }
        var v = value
        while true {
            out.append(UInt8(truncatingIfNeeded: v / divisor) + 0x30)
            v %= divisor
            if divisor == 1 { return }
            divisor /= 10
        }
    }

    /// The index of the first byte in `bytes[from..<to]` that is below `limit` (at most 0x80) or equal to `a` or
    /// `b`, else `to`. Eight bytes at a time while none matches: the head parser's scans and the JSON writer's
    /// escape check run over every byte of a request (a JWT twice), and byte by byte these loops were among the
    /// largest items per request (docs/performance.md, "Sixth round").
    ///
    /// The word tests are the classic ones, each exact about whether any byte matches: `(w - n·0x01…) & ~w & 0x80…`
    /// for a byte below n ≤ 128, the same with n = 1 on `w ^ a·0x01…` for a byte equal to a.
    @inlinable
    public static func firstIndex(
        in bytes: Span<UInt8>, from: Int, to: Int, below limit: UInt8, or a: UInt8, _ b: UInt8
    )
        -> Int
    {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let belowLimit = ones &* UInt64(limit)
        let allA = ones &* UInt64(a)
        let allB = ones &* UInt64(b)
        var i = from
        while i + 8 <= to {
            var word: UInt64 = 0
            for k in 0..<8 { word |= UInt64(bytes[i + k]) << (8 &* k) }
            let xa = word ^ allA
            let xb = word ^ allB
            let matches = (word &- belowLimit) & ~word | (xa &- ones) & ~xa | (xb &- ones) & ~xb
            if matches & highBits != 0 { break }
            i += 8
        }
        while i < to {
            let byte = bytes[i]
            if byte < limit || byte == a || byte == b { return i }
            i += 1
        }
        return to
    }
}

extension String {
    /// The index of the first `byte`, an ASCII byte (so the index is a character boundary and slicing there is
    /// exact), or nil. It scans the UTF-8 bytes' span: `utf8.firstIndex(of:)` goes through the generic collection
    /// algorithm, several times the instructions per call, and the gateway runs such searches a dozen times per
    /// request (docs/performance.md).
    public func firstIndex(ofASCII byte: UInt8) -> String.Index? {
        let bytes = utf8.span
        for i in 0..<bytes.count where bytes[i] == byte { return utf8.index(utf8.startIndex, offsetBy: i) }
        return nil
    }

    /// The index of the last `byte`, an ASCII byte, or nil (see `firstIndex(ofASCII:)`).
    public func lastIndex(ofASCII byte: UInt8) -> String.Index? {
        let bytes = utf8.span
        var i = bytes.count - 1
        while i >= 0 {
            if bytes[i] == byte { return utf8.index(utf8.startIndex, offsetBy: i) }
            i -= 1
        }
        return nil
    }
}
