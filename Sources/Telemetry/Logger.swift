public import BoxCore
public import Logging

/// A named logger on swift-log (docs/observability.md): a `Logging.Logger` labelled `name` whose handler is the
/// JSON line handler writing to a `LogSink`. Cheap to copy; `named(_:)` derives a logger for another component on
/// the same sink. Below the threshold a call costs a comparison: swift-log's autoclosures build nothing.
public struct Logger: Sendable {
    /// The `logger` field, e.g. `manager.workers`.
    public var name: String { base.label }
    public let sink: LogSink
    /// The swift-log logger underneath.
    public let base: Logging.Logger
    private let handler: JSONLineLogHandler

    /// A logger writing `name` lines at `level` and above to `sink`, with `containerName` (default: the sink's) as
    /// `container_name`.
    public init(_ name: String, level: Logging.Logger.Level, containerName: String? = nil, sink: LogSink) {
        self.init(
            handler: JSONLineLogHandler(
                label: name, containerName: containerName ?? sink.containerName, logLevel: level
            ) {
                sink.write(jsonLine: $0)
            }, sink: sink)
    }

    private init(handler: JSONLineLogHandler, sink: LogSink) {
        self.handler = handler
        self.sink = sink
        base = Logging.Logger(label: handler.label) { _ in handler }
    }

    /// The same sink and threshold under another name.
    public func named(_ name: String) -> Logger {
        Logger(handler: handler.labeled(name), sink: sink)
    }

    /// True when `level` passes the threshold (check before building costly fields).
    public func isEnabled(_ level: Logging.Logger.Level) -> Bool { level >= base.logLevel }

    /// Writes one line when `level` passes the threshold.
    public func log(
        _ level: Logging.Logger.Level, _ message: @autoclosure () -> String,
        fields: @autoclosure () -> JSONObject = [:],
        requestID: String? = nil, traceID: String? = nil
    ) {
        base.log(
            level: level, "\(message())", metadata: .line(requestID: requestID, traceID: traceID, fields: fields()))
    }

    public func debug(
        _ message: @autoclosure () -> String, fields: @autoclosure () -> JSONObject = [:], requestID: String? = nil
    ) {
        log(.debug, message(), fields: fields(), requestID: requestID)
    }

    public func info(
        _ message: @autoclosure () -> String, fields: @autoclosure () -> JSONObject = [:], requestID: String? = nil
    ) {
        log(.info, message(), fields: fields(), requestID: requestID)
    }

    public func warning(
        _ message: @autoclosure () -> String, fields: @autoclosure () -> JSONObject = [:], requestID: String? = nil
    ) {
        log(.warning, message(), fields: fields(), requestID: requestID)
    }

    public func error(
        _ message: @autoclosure () -> String, fields: @autoclosure () -> JSONObject = [:], requestID: String? = nil
    ) {
        log(.error, message(), fields: fields(), requestID: requestID)
    }
}
