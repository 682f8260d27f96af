public import BoxCore
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

    /// A per-event field value: the line's own JSON value type, so fields need no conversion.
    public typealias Value = JSONValue

    private let handler: JSONLineLogHandler

    /// A log that hands each complete line (with its trailing newline) to `sink`.
    /// - Parameter now: milliseconds since the epoch (injected for tests).
    public init(
        containerName: String, minimumLevel: Level,
        now: @escaping @Sendable () -> Int64 = { WallClock.epochMilliseconds() },
        sink: @escaping @Sendable ([UInt8]) -> Void
    ) {
        handler = JSONLineLogHandler(
            label: "gateway", containerName: containerName, logLevel: minimumLevel, now: now, output: sink)
    }

    public func isEnabled(_ level: Level) -> Bool { level >= handler.logLevel }

    /// Writes one line as the handler of a swift-log `Logger` labelled `logger` would, straight to the handler
    /// (these lines run once or more per request: docs/observability.md).
    public func log(
        _ level: Level, _ message: @autoclosure () -> String, logger: String = "gateway", requestID: String? = nil,
        traceID: String? = nil, fields: @autoclosure () -> [(String, Value)] = []
    ) {
        guard isEnabled(level) else { return }
        handler.write(
            level, message(), logger: logger, requestID: requestID, traceID: traceID, fields: JSONObject(fields()))
    }

    /// Writes one line whose message and fields `message` and `fields` write straight into the line's buffer
    /// (AccessLine.swift); nothing is built below the level.
    public func write(
        _ level: Level, logger: String, requestID: String?, traceID: String?,
        message: (inout JSONWriter) -> Void, fields: (inout JSONWriter) -> Void
    ) {
        guard isEnabled(level) else { return }
        handler.write(level, logger: logger, requestID: requestID, traceID: traceID, message: message, fields: fields)
    }

    /// A log that writes nothing (tests that do not look at lines).
    public static let discarding = GatewayLog(containerName: "test", minimumLevel: .error, now: { 0 }, sink: { _ in })
}

extension GatewayLog.Value {
    /// Milliseconds with two decimals, as the reference's `latency_ms`.
    static func millis(_ d: Duration) -> GatewayLog.Value {
        .double(Double(hundredthsOfMillis(d)) / 100)
    }

    /// `d` in hundredths of a millisecond, rounded: `millis`'s figure for `JSONWriter.hundredths`, which writes the
    /// same text without building the double's digits.
    static func hundredthsOfMillis(_ d: Duration) -> Int64 {
        Int64(d.frontSeconds * 1000 * 100 + 0.5)
    }
}
