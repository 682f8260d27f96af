/// One frame of a container's output from the logs (or attach) API.
public struct LogFrame: Sendable, Equatable {
    /// Which output the bytes came from.
    public enum Stream: UInt8, Sendable, Equatable {
        /// Standard input (only in attach streams).
        case stdin = 0
        case stdout = 1
        case stderr = 2

        /// `stdin`, `stdout`, `stderr`.
        public var name: String {
            switch self {
            case .stdin: "stdin"
            case .stdout: "stdout"
            case .stderr: "stderr"
            }
        }
    }

    public let stream: Stream
    /// The payload (not necessarily whole lines).
    public let bytes: [UInt8]

    public init(stream: Stream, bytes: [UInt8]) {
        self.stream = stream
        self.bytes = bytes
    }
}

/// Splits Docker's multiplexed stdout/stderr stream into frames.
///
/// Each frame is an 8-byte header `[stream, 0, 0, 0, size as big-endian UInt32]` followed by `size` bytes.
/// Input may arrive cut anywhere; incomplete frames wait for more bytes. A container with a TTY sends raw
/// bytes instead, which is recognised from the first header and then passed through as stdout.
public struct LogStreamDemuxer: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0
    private var raw: Bool?

    public init() {}

    /// Feeds bytes; returns every frame they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [LogFrame] {
        buffer.append(contentsOf: bytes)
        if raw == nil, buffer.count - start >= 8 {
            let b = buffer[start...]
            let header = Array(b.prefix(4))
            raw = !(header[0] <= 2 && header[1] == 0 && header[2] == 0 && header[3] == 0)
        }
        if raw == true {
            defer { buffer.removeAll(keepingCapacity: true); start = 0 }
            let rest = Array(buffer[start...])
            return rest.isEmpty ? [] : [LogFrame(stream: .stdout, bytes: rest)]
        }
        var frames: [LogFrame] = []
        while buffer.count - start >= 8 {
            let size =
                Int(buffer[start + 4]) << 24 | Int(buffer[start + 5]) << 16 | Int(buffer[start + 6]) << 8
                | Int(buffer[start + 7])
            guard buffer.count - start >= 8 + size else { break }
            let stream = LogFrame.Stream(rawValue: buffer[start]) ?? .stdout
            frames.append(LogFrame(stream: stream, bytes: Array(buffer[(start + 8)..<(start + 8 + size)])))
            start += 8 + size
        }
        // Compact once the consumed prefix dominates, so a long stream does not grow the buffer forever.
        if start > 0 && start * 2 >= buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        return frames
    }

    /// Bytes received that do not form a whole frame yet.
    public var pendingByteCount: Int { buffer.count - start }
}
