import Posix

/// Writes queued lines to a file descriptor (stdout) from its own thread, so a slow or blocked terminal or
/// pipe never stalls the caller: the queue fills and further lines are dropped and counted instead.
///
/// The writer gathers lines for up to `linger` after the first one, so a gateway writes one batch per 10 ms
/// instead of waking this thread and calling `write(2)` for every access-log line (docs/observability.md,
/// docs/performance.md); a line reaches stdout at most that much later.
final class StdoutWriter: Sendable {
    let queue: BoundedLineQueue
    private let done = DoneSignal()

    /// `notice` formats the line that reports dropped lines.
    init(fileDescriptor: Int32, capacity: Int, maxBytes: Int, notice: @escaping @Sendable (String) -> [UInt8]) {
        let queue = BoundedLineQueue(capacity: capacity, maxBytes: maxBytes)
        self.queue = queue
        let done = self.done
        OSThread.start(name: "log-stdout") {
            while let batch = queue.popBatch(maxLines: 1024, linger: Self.linger) {
                let dropped = queue.takeDropped()
                var buffer = dropped > 0 ? notice("stdout log buffer full: \(dropped) lines dropped") : []
                // Line by line: `joined()` would copy the batch a byte at a time (docs/performance.md).
                buffer.reserveCapacity(buffer.count + batch.reduce(0) { $0 + $1.count })
                for line in batch { buffer.append(contentsOf: line) }
                // A closed stdout must not loop: an error gives the buffer up.
                try? FileIO.writeAll(fileDescriptor, buffer)
            }
            done.signal()
        }
    }

    static let linger = Duration.milliseconds(10)

    /// Closes the queue and waits (up to `timeout`) until what was queued is written.
    func close(timeout: Duration) {
        queue.close()
        _ = done.wait(timeout: timeout)
    }
}
