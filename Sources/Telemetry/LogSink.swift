public import BoxCore
import Posix

/// Where a process's log lines go: stdout (always, unless disabled) and, with `VICTORIALOGS_URL`, VictoriaLogs.
///
/// `write` never blocks the caller: lines go into bounded buffers drained by a stdout thread and a shipping
/// thread; when a buffer is full (by lines or by bytes: 32 MiB each by default) the line is dropped there and
/// counted (`droppedLines`, `droppedBytes`), and the drop is reported on stdout. Shared by the gateway and the
/// manager.
public final class LogSink: Sendable {
    /// Written as `container_name` on the sink's own notices.
    public let containerName: String?
    private let stdout: StdoutWriter?
    private let shipper: VictoriaLogsShipper?

    /// A sink writing to `fileDescriptor` (stdout) when `writeToStdout`, and shipping to `victoriaLogsURL` when
    /// given. An unusable URL (not `http://`) is reported once on stdout and ignored.
    public init(
        writeToStdout: Bool = true, fileDescriptor: Int32 = 1, stdoutCapacity: Int = 10_000,
        stdoutMaxBytes: Int = 32 * 1024 * 1024, victoriaLogsURL: String? = nil, shippingCapacity: Int = 20_000,
        shippingMaxBytes: Int = 32 * 1024 * 1024, shippingLinger: Duration = .seconds(1), containerName: String? = nil
    ) {
        self.containerName = containerName
        let notice: @Sendable (String) -> [UInt8] = { message in
            LogLine(
                epochMilliseconds: WallClock.epochMilliseconds(), level: .warning, logger: "telemetry",
                message: message, containerName: containerName
            ).jsonLine()
        }
        let stdout =
            writeToStdout
            ? StdoutWriter(
                fileDescriptor: fileDescriptor, capacity: stdoutCapacity, maxBytes: stdoutMaxBytes, notice: notice)
            : nil
        self.stdout = stdout
        if let url = victoriaLogsURL, !url.isEmpty {
            let shipper = VictoriaLogsShipper(
                url: url, capacity: shippingCapacity, maxBytes: shippingMaxBytes, linger: shippingLinger
            ) { message in
                stdout?.queue.push(notice(message))
            }
            if shipper == nil {
                stdout?.queue.push(notice("VICTORIALOGS_URL \(url) is not http://host[:port]; logs go to stdout only"))
            }
            self.shipper = shipper
        } else {
            self.shipper = nil
        }
    }

    /// A sink configured from the process environment: `VICTORIALOGS_URL`, `CONTAINER_NAME` (else `hostName`).
    public convenience init(environment: [String: String], hostName: String? = nil) {
        let name = environment["CONTAINER_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? hostName
        self.init(victoriaLogsURL: environment["VICTORIALOGS_URL"], containerName: name)
    }

    /// Writes a line (formats it once for both destinations).
    public func write(_ line: LogLine) {
        write(jsonLine: line.jsonLine())
    }

    /// Writes an already formatted JSON line, which must end with `\n`.
    public func write(jsonLine: [UInt8]) {
        stdout?.queue.push(jsonLine)
        shipper?.enqueue(jsonLine)
    }

    /// Lines dropped so far because a buffer was full (stdout and shipping together).
    public var droppedLines: Int { (stdout?.queue.dropped ?? 0) + (shipper?.droppedLines ?? 0) }

    /// Bytes of the lines dropped so far (stdout and shipping together).
    public var droppedBytes: Int { (stdout?.queue.droppedBytes ?? 0) + (shipper?.droppedBytes ?? 0) }

    public var shippedLines: Int { shipper?.shippedLines ?? 0 }

    /// Flushes both buffers and stops their threads (at shutdown), waiting at most `timeout` for each.
    public func close(timeout: Duration = .seconds(5)) {
        shipper?.close(timeout: timeout)
        stdout?.close(timeout: timeout)
    }
}
