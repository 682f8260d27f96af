import BoxCore
import Foundation
import Glibc
import Testing
@testable import Telemetry

@Suite(.timeLimit(.minutes(5))) struct LogSinkTests {
    /// A pipe standing in for stdout, so the test reads exactly what the process would print.
    final class Pipe: @unchecked Sendable {
        let readEnd: Int32
        let writeEnd: Int32
        init() {
            var fds: [Int32] = [0, 0]
            pipe(&fds)
            readEnd = fds[0]
            writeEnd = fds[1]
        }
        func readAll() -> String {
            close(writeEnd)
            var out: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                out += buffer[0..<n]
            }
            close(readEnd)
            return String(decoding: out, as: UTF8.self)
        }
    }

    @Test func linesReachStdoutInOrderFormattedByBoxCore() throws {
        let pipe = Pipe()
        let sink = LogSink(fileDescriptor: pipe.writeEnd, containerName: "esb-manager")
        let logger = Logger("manager.test", level: .info, sink: sink)
        logger.debug("hidden")
        for i in 0..<100 { logger.info("line \(i)", fields: ["n": .int(i)], requestID: "r-\(i)") }
        logger.error("last")
        sink.close()
        let lines = pipe.readAll().split(separator: "\n")
        #expect(lines.count == 101)
        let first = try JSONValue(parsing: String(lines[0]))
        #expect(first["message"]?.stringValue == "line 0")
        #expect(first["level"]?.stringValue == "INFO")
        #expect(first["logger"]?.stringValue == "manager.test")
        #expect(first["container_name"]?.stringValue == "esb-manager")
        #expect(first["request_id"]?.stringValue == "r-0")
        #expect(first["n"]?.intValue == 0)
        #expect(first["_time"]?.stringValue?.hasSuffix("Z") == true)
        #expect(lines.last?.contains(#""message":"last""#) == true)
        #expect(lines.enumerated().dropLast().allSatisfy { $0.element.contains(#""message":"line \#($0.offset)""#) })
    }

    @Test func aBlockedStdoutNeverBlocksTheCallerAndDropsAreCounted() throws {
        // Nobody reads this pipe: once its kernel buffer (64 KiB) and the sink's buffer (50 lines) are full,
        // further lines must be dropped, not waited for.
        let pipe = Pipe()
        let sink = LogSink(fileDescriptor: pipe.writeEnd, stdoutCapacity: 50)
        let line = Array(String(repeating: "x", count: 200).utf8) + [0x0A]
        for _ in 0..<5000 { sink.write(jsonLine: line) }
        #expect(sink.droppedLines > 0)
        let drained = Thread { _ = pipe.readAll() }
        drained.start()
        sink.close(timeout: .seconds(5))
    }
}

/// docs/manager.md: log queues are bounded by bytes as well as lines; what does not fit is dropped and counted.
@Suite struct BoundedLineQueueByteTests {
    @Test func aQueueFullOfBytesDropsAndCountsLinesAndBytes() {
        let queue = BoundedLineQueue(capacity: 20_000, maxBytes: 1024 * 1024)
        let big = [UInt8](repeating: 0x61, count: 256 * 1024)
        var accepted = 0
        for _ in 0..<20 where queue.push(big) { accepted += 1 }
        #expect(accepted == 4)  // 20,000 lines of 256 KiB used to be accepted: 5 GiB
        #expect(queue.byteCount == 1024 * 1024)
        #expect(queue.dropped == 16 && queue.droppedBytes == 16 * 256 * 1024)
        // Taking lines gives their bytes back.
        let batch = queue.popBatch(maxLines: 2, linger: .zero)
        #expect(batch?.count == 2 && queue.byteCount == 512 * 1024)
        #expect(queue.push(big) && queue.push(big) && !queue.push([0x62]))
        queue.close()
    }
}
