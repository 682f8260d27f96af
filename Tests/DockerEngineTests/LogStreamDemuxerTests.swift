import Testing
@testable import DockerEngine

@Suite(.timeLimit(.minutes(5))) struct LogStreamDemuxerTests {
    static func frame(_ stream: UInt8, _ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        let n = UInt32(payload.count)
        return [stream, 0, 0, 0, UInt8(n >> 24), UInt8((n >> 16) & 0xFF), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)]
            + payload
    }

    static let fixture: [UInt8] = frame(1, "hello\n") + frame(2, "oops\n") + frame(1, "") + frame(1, "{\"a\":1}\nrest")
    static let expected = [
        LogFrame(stream: .stdout, bytes: Array("hello\n".utf8)), LogFrame(stream: .stderr, bytes: Array("oops\n".utf8)),
        LogFrame(stream: .stdout, bytes: []), LogFrame(stream: .stdout, bytes: Array("{\"a\":1}\nrest".utf8)),
    ]

    @Test func wholeInputYieldsEveryFrame() {
        var demuxer = LogStreamDemuxer()
        #expect(demuxer.feed(Self.fixture) == Self.expected)
        #expect(demuxer.pendingByteCount == 0)
    }

    @Test func oneByteAtATimeYieldsTheSameFrames() {
        var demuxer = LogStreamDemuxer()
        var frames: [LogFrame] = []
        for byte in Self.fixture { frames += demuxer.feed([byte]) }
        #expect(frames == Self.expected)
    }

    @Test func everySplitPointYieldsTheSameFrames() {
        for cut in 0...Self.fixture.count {
            var demuxer = LogStreamDemuxer()
            let frames = demuxer.feed(Self.fixture[..<cut]) + demuxer.feed(Self.fixture[cut...])
            #expect(frames == Self.expected, "cut at \(cut)")
        }
    }

    @Test func anIncompleteFrameWaits() {
        var demuxer = LogStreamDemuxer()
        let bytes = Self.frame(1, "abcdef")
        #expect(demuxer.feed(bytes.dropLast()).isEmpty)
        #expect(demuxer.pendingByteCount == bytes.count - 1)
        #expect(demuxer.feed(bytes.suffix(1)) == [LogFrame(stream: .stdout, bytes: Array("abcdef".utf8))])
    }

    @Test func aTTYStreamPassesThroughAsStdout() {
        var demuxer = LogStreamDemuxer()
        let frames = demuxer.feed(Array("plain output\n".utf8))
        #expect(frames == [LogFrame(stream: .stdout, bytes: Array("plain output\n".utf8))])
    }
}
