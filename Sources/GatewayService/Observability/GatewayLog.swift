import BoxCore
public import Logging
import Telemetry
public import Posix

/// The gateway's JSON log lines (docs/contract.md §3.8) on swift-log (docs/observability.md): one object per line with
/// `_time`, `level`, `logger`, `message`, `container_name`, `request_id`, `trace_id` and per-event fields, written by
/// Telemetry's `JSONLineLogHandler` to `sink` (stdout and, with `VICTORIALOGS_URL`, the shipping buffer); building
/// a line never blocks, and a line below the threshold builds nothing.
public struct GatewayLog: Sendable {
    /// Severity: swift-log's level, the one level type of the box.
    public typealias Level = Logging.Logger.Level

    /// A per-event field value.
    public enum Value: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        case string(String)
        case int(Int)
        case double(Double)
        case bool(Bool)
        public init(stringLiteral value: String) { self = .string(value) }
        public init(integerLiteral value: Int) { self = .int(value) }

        var json: JSONValue {
            switch self {
            case .string(let s): .string(s)
            case .int(let i): .int(i)
            case .double(let d): .double(d)
            case .bool(let b): .bool(b)
            }
        }
    }

    /// The `container_name` of every line.
    public let containerName: String
    /// Lines below this level are not written.
    public var minimumLevel: Level { handler.logLevel }
    private let handler: JSONLineLogHandler

    /// A log that hands each complete line (with its trailing newline) to `sink`.
    /// - Parameter now: milliseconds since the epoch (injected for tests).
    public init(
        containerName: String, minimumLevel: Level,
        now: @escaping @Sendable () -> Int64 = { WallClock.epochMilliseconds() },
        sink: @escaping @Sendable ([UInt8]) -> Void
    ) {
        self.containerName = containerName
        handler = JSONLineLogHandler(
            label: "gateway", containerName: containerName, logLevel: minimumLevel, now: now, output: sink)
    }

    public func isEnabled(_ level: Level) -> Bool { level >= handler.logLevel }

    /// Writes one line through a swift-log `Logger` labelled `logger`.
    public func log(
        _ level: Level, _ message: @autoclosure () -> String, logger: String = "gateway", requestID: String? = nil,
        traceID: String? = nil, fields: @autoclosure () -> [(String, Value)] = []
    ) {
        guard isEnabled(level) else { return }
        let handler = self.handler
        Logging.Logger(label: logger) { handler.labeled($0) }.log(
            level: level, "\(message())",
            metadata: .line(
                requestID: requestID, traceID: traceID, fields: JSONObject(fields().map { ($0.0, $0.1.json) })))
    }

    /// A log that writes nothing (tests that do not look at lines).
    public static let discarding = GatewayLog(containerName: "test", minimumLevel: .error, now: { 0 }, sink: { _ in })
}

extension GatewayLog.Value {
    /// Milliseconds with two decimals, as the reference's `latency_ms`.
    static func millis(_ d: Duration) -> GatewayLog.Value {
        .double(Double(Int64(d.frontSeconds * 1000 * 100 + 0.5)) / 100)
    }
}
