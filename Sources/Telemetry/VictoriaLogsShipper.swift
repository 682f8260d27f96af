import HTTP1
import Posix
import Synchronization

/// Ships JSON log lines in batches to VictoriaLogs' `/insert/jsonline` (docs/contract.md §3.8) from a bounded buffer.
///
/// `enqueue` never blocks: when the buffer is full the line is dropped and counted. One background thread sends
/// a batch when `batchLines` lines are waiting or `linger` after the first one. A batch that fails with a
/// connection error or a 5xx is retried with backoff (1 s doubling to 30 s) while new lines keep queueing (and,
/// once the buffer is full, dropping); a 4xx answer drops the batch (it would never succeed). State changes
/// (failing, recovered, dropped counts) are reported through `report`, never shipped, so a broken shipper
/// cannot feed itself.
public final class VictoriaLogsShipper: Sendable {
    /// The insert call with the stream, message and time fields of §3.8.
    public static let insertTarget =
        "/insert/jsonline?_stream_fields=container_name&_msg_field=message&_time_field=_time"

    /// The base URL given (`VICTORIALOGS_URL`).
    public let url: String
    private let queue: BoundedLineQueue
    private let shipped = ShippedCount()
    private let done = DoneSignal()

    /// A shipper for `url` (`http://host[:port][/prefix]`); nil when the URL is not plain `http://`.
    /// `report` receives human-readable notices (to be written to stdout by the caller).
    public init?(
        url: String, capacity: Int = 20_000, maxBytes: Int = 32 * 1024 * 1024, batchLines: Int = 1000,
        linger: Duration = .seconds(1), report: @escaping @Sendable (String) -> Void
    ) {
        guard let (host, port, prefix) = Self.parse(url) else { return nil }
        self.url = url
        let queue = BoundedLineQueue(capacity: capacity, maxBytes: maxBytes)
        self.queue = queue
        let poster = PlainHTTPPoster(host: host, port: port, timeoutSeconds: 5)
        let target = prefix + Self.insertTarget
        let shipped = self.shipped
        let done = self.done
        OSThread.start(name: "log-shipper") {
            var failing = false
            var backoff = 1.0
            while let batch = queue.popBatch(maxLines: batchLines, linger: linger) {
                let dropped = queue.takeDropped()
                if dropped > 0 { report("log shipping buffer full: \(dropped) lines dropped") }
                let body = batch.flatMap { $0 }
                while true {
                    let outcome: String?
                    do {
                        let status = try poster.post(target: target, body: body, contentType: "application/stream+json")
                        if (200..<300).contains(status) {
                            shipped.lines.withLock { $0 += batch.count }
                            outcome = nil
                        } else if (400..<500).contains(status) {
                            report("VictoriaLogs refused a batch of \(batch.count) lines with \(status); dropped")
                            outcome = nil
                        } else {
                            outcome = "HTTP \(status)"
                        }
                    } catch {
                        outcome = "\(error)"
                    }
                    guard let failure = outcome else {
                        if failing { report("log shipping to \(url) recovered") }
                        failing = false
                        backoff = 1.0
                        break
                    }
                    if !failing { report("log shipping to \(url) failing (\(failure)); retrying") }
                    failing = true
                    if queue.isClosed { break }
                    OSThread.sleep(for: .milliseconds(Int(backoff * 1000)))
                    backoff = min(backoff * 2, 30)
                }
            }
            done.signal()
        }
    }

    /// Queues one JSON line (with its trailing newline); false when it was dropped.
    @discardableResult
    public func enqueue(_ line: [UInt8]) -> Bool { queue.push(line) }

    /// Lines dropped because the buffer was full.
    public var droppedLines: Int { queue.dropped }

    public var droppedBytes: Int { queue.droppedBytes }

    public var shippedLines: Int { shipped.lines.withLock { $0 } }

    /// Sends what is queued (one attempt per batch) and stops, waiting at most `timeout`.
    public func close(timeout: Duration) {
        queue.close()
        _ = done.wait(timeout: timeout)
    }

    /// Splits `http://host[:port][/prefix]`; nil for other schemes.
    static func parse(_ url: String) -> (host: String, port: Int, prefix: String)? {
        // The address through the project's one endpoint parser; the path is VictoriaLogs' prefix.
        guard url.hasPrefix("http://"), let endpoint = HTTPEndpoint.parse(url), endpoint.unixPath == nil else {
            return nil
        }
        var prefix = String(url.dropFirst("http://".count).drop { $0 != "/" })
        while prefix.hasSuffix("/") { prefix.removeLast() }
        return (endpoint.host, endpoint.port, prefix)
    }
}

/// Lines shipped, counted by the shipper's thread.
private final class ShippedCount: Sendable {
    let lines = Mutex(0)
}
