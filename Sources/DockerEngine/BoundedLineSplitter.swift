/// Splits a container's output into lines of at most `maxLineBytes` (docs/manager.md, "Logs of workers"): a line
/// that reaches the limit is handed out at once, marked `cut`, and the rest of it (up to the next newline) is
/// discarded and counted — so output without newlines, or one huge line, never grows memory past the limit.
public struct BoundedLineSplitter: Sendable {
    /// One line of output.
    public struct Line: Sendable, Equatable {
        /// The bytes, without the newline (and a trailing `\r`); at most `maxLineBytes`.
        public var bytes: [UInt8]
        /// True when the line was longer than the limit and only its first `maxLineBytes` are here.
        public var cut: Bool
        /// Set (with empty `bytes`) when the rest of a cut line has ended: how many bytes of it were discarded.
        public var discarded: Int?

        public init(bytes: [UInt8], cut: Bool, discarded: Int? = nil) {
            self.bytes = bytes
            self.cut = cut
            self.discarded = discarded
        }
    }

    /// 256 KiB: the longest line kept.
    public static let defaultMaxLineBytes = 256 * 1024

    /// The longest line kept.
    public let maxLineBytes: Int
    private var partial: [UInt8] = []
    /// Discarding the rest of a line that was cut.
    private var discarding = false
    /// Bytes of the current cut line discarded so far.
    private var discardedOfLine = 0

    public init(maxLineBytes: Int = BoundedLineSplitter.defaultMaxLineBytes) {
        self.maxLineBytes = max(1, maxLineBytes)
    }

    /// Feeds bytes; returns the lines they complete or cut.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Line] {
        var lines: [Line] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if discarding {
                    discarding = false
                    lines.append(Line(bytes: [], cut: false, discarded: discardedOfLine))
                    discardedOfLine = 0
                } else {
                    if partial.last == UInt8(ascii: "\r") { partial.removeLast() }
                    lines.append(Line(bytes: partial, cut: false))
                }
                partial.removeAll(keepingCapacity: true)
            } else if discarding {
                discardedOfLine += 1
            } else if partial.count == maxLineBytes {
                // One byte more than a line may hold: hand out what is kept, drop the rest of this line.
                lines.append(Line(bytes: partial, cut: true))
                partial = []
                discarding = true
                discardedOfLine = 1
            } else {
                partial.append(byte)
            }
        }
        return lines
    }

    /// The unterminated rest (what a stream that ended without a final newline leaves).
    public mutating func flush() -> Line? {
        defer {
            partial = []
            discarding = false
            discardedOfLine = 0
        }
        if discarding { return Line(bytes: [], cut: false, discarded: discardedOfLine) }
        guard !partial.isEmpty else { return nil }
        return Line(bytes: partial, cut: false)
    }
}
