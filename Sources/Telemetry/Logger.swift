public import BoxCore

/// A named logger: formats with BoxCore's `LogFormatter` (level threshold, `container_name`) and writes to a
/// `LogSink`. Cheap to copy; `named(_:)` derives a logger for another component on the same sink.
public struct Logger: Sendable {
    /// The `logger` field, e.g. `manager.workers`.
    public let name: String
    /// Threshold and container name.
    public let formatter: LogFormatter
    /// Destination.
    public let sink: LogSink

    /// A logger writing `name` lines through `formatter` to `sink`.
    public init(_ name: String, formatter: LogFormatter, sink: LogSink) {
        self.name = name
        self.formatter = formatter
        self.sink = sink
    }

    /// The same sink and formatter under another name.
    public func named(_ name: String) -> Logger {
        Logger(name, formatter: formatter, sink: sink)
    }

    /// True when `level` passes the threshold (check before building costly fields).
    public func isEnabled(_ level: LogLevel) -> Bool { formatter.isEnabled(level) }

    /// Writes one line when `level` passes the threshold.
    public func log(
        _ level: LogLevel, _ message: String, fields: JSONObject = [:], requestID: String? = nil, traceID: String? = nil
    ) {
        guard let line = formatter.line(
            level, logger: name, message: message, epochMilliseconds: WallClock.epochMilliseconds(), requestID: requestID,
            traceID: traceID, fields: fields)
        else { return }
        sink.write(line)
    }

    /// A `DEBUG` line.
    public func debug(_ message: String, fields: JSONObject = [:], requestID: String? = nil, traceID: String? = nil) {
        log(.debug, message, fields: fields, requestID: requestID, traceID: traceID)
    }

    /// An `INFO` line.
    public func info(_ message: String, fields: JSONObject = [:], requestID: String? = nil, traceID: String? = nil) {
        log(.info, message, fields: fields, requestID: requestID, traceID: traceID)
    }

    /// A `WARNING` line.
    public func warning(_ message: String, fields: JSONObject = [:], requestID: String? = nil, traceID: String? = nil) {
        log(.warning, message, fields: fields, requestID: requestID, traceID: traceID)
    }

    /// An `ERROR` line.
    public func error(_ message: String, fields: JSONObject = [:], requestID: String? = nil, traceID: String? = nil) {
        log(.error, message, fields: fields, requestID: requestID, traceID: traceID)
    }
}
