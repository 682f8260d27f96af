import DockerEngine
import Testing

/// docs/manager.md: a worker's output is split into lines of at most 256 KiB; the rest of a longer line is dropped
/// and counted, so output without newlines never grows the Manager's memory.
@Suite struct BoundedLineSplitterTests {
    @Test func shortLinesPassAsTheyAre() {
        var s = BoundedLineSplitter(maxLineBytes: 8)
        #expect(
            s.feed(Array("ab\r\ncd\n".utf8)) == [
                .init(bytes: Array("ab".utf8), cut: false), .init(bytes: Array("cd".utf8), cut: false),
            ])
        #expect(s.feed(Array("ef".utf8)).isEmpty)
        #expect(s.flush() == .init(bytes: Array("ef".utf8), cut: false))
    }

    @Test func aLineAtTheLimitIsHandedOutCutAndTheRestIsCounted() {
        var s = BoundedLineSplitter(maxLineBytes: 4)
        var out = s.feed(Array("abcdefg".utf8))
        #expect(out == [.init(bytes: Array("abcd".utf8), cut: true)])
        out = s.feed(Array("hij\nnext\n".utf8))
        #expect(out == [.init(bytes: [], cut: false, discarded: 6), .init(bytes: Array("next".utf8), cut: false)])
    }

    @Test func twentyMebibytesWithoutANewlineHoldAtMostOneLine() {
        // Fed in 64 KiB frames as Docker delivers them: one cut line, nothing else held, the rest counted at the end.
        var s = BoundedLineSplitter()
        let frame = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
        var lines: [BoundedLineSplitter.Line] = []
        for _ in 0..<(20 * 16) { lines += s.feed(frame) }
        #expect(lines.count == 1 && lines[0].cut && lines[0].bytes.count == BoundedLineSplitter.defaultMaxLineBytes)
        #expect(s.flush() == .init(bytes: [], cut: false, discarded: 20 * 1024 * 1024 - 256 * 1024))
        #expect(s.flush() == nil)
    }
}
