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
