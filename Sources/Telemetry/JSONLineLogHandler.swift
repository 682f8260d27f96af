public import BoxCore
public import Logging
public import Posix

/// swift-log's `LogHandler` for the box's JSON log lines (docs/observability.md): each event becomes one `LogLine`
/// (`_time`, `level`, `logger` = the logger's label, `message`, `container_name`, `request_id`, `trace_id`, fields)
/// handed, newline included, to `output` — a `LogSink` (stdout and the VictoriaLogs shipper) in the daemons.
///
/// Metadata: `request_id` and `trace_id` go to their standard places; a `LogFields` value under `fields` keeps the
/// per-event fields in their order and JSON types; any other metadata follows, sorted by key (strings as strings,
/// numbers and booleans given as `.stringConvertible` as JSON numbers and booleans).
public struct JSONLineLogHandler: LogHandler {
    /// The `logger` field.
    public private(set) var label: String
    /// Written as `container_name` on every line (nil: omitted).
    public let containerName: String?
    public var logLevel: Logging.Logger.Level
    public var metadata: Logging.Logger.Metadata = [:]
    private let now: @Sendable () -> Int64
    private let output: @Sendable ([UInt8]) -> Void

    /// A handler writing lines at `logLevel` and above to `output`; `now` gives milliseconds since the epoch.
    public init(
        label: String, containerName: String?, logLevel: Logging.Logger.Level,
        now: @escaping @Sendable () -> Int64 = { WallClock.epochMilliseconds() },
        output: @escaping @Sendable ([UInt8]) -> Void
    ) {
        self.label = label
        self.containerName = containerName
        self.logLevel = logLevel
        self.now = now
        self.output = output
    }

    /// The same handler under another label (`logger` field).
    public func labeled(_ label: String) -> JSONLineLogHandler {
        var copy = self
        copy.label = label
        return copy
    }

    public subscript(metadataKey key: String) -> Logging.Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        output(line(event).jsonLine())
    }

    /// Writes the line `log(event:)` writes for this message, ids and fields, without going through swift-log's
    /// `Logger` and metadata dictionary: for the gateway's per-request lines, where building that dictionary and
    /// taking it apart again cost more than formatting the line (docs/observability.md).
    public func write(
        _ level: Logging.Logger.Level, _ message: String, logger: String, requestID: String?, traceID: String?,
        fields: JSONObject
    ) {
        let line = LogLine(
            epochMilliseconds: now(), level: level, logger: logger, message: message, containerName: containerName,
            requestID: requestID, traceID: traceID, fields: fields)
        output(line.jsonLine())
    }

    /// Writes a line whose message and per-event fields the caller writes straight into the line's buffer (the
    /// gateway's access line: docs/performance.md); the layout is `LogLine`'s.
    public func write(
        _ level: Logging.Logger.Level, logger: String, requestID: String?, traceID: String?,
        message: (inout JSONWriter) -> Void, fields: (inout JSONWriter) -> Void
    ) {
        var w = JSONWriter(capacity: 640)
        LogLine.write(
            to: &w, epochMilliseconds: now(), level: level, logger: logger, containerName: containerName,
            requestID: requestID, traceID: traceID, message: message, fields: fields)
        w.bytes.append(0x0A)
        output(w.bytes)
    }

    /// The line for `event` (formatting only; `log` writes it).
    func line(_ event: LogEvent) -> LogLine {
        var line = LogLine(
            epochMilliseconds: now(), level: event.level, logger: label, message: event.message.description,
            containerName: containerName)
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        if case .string(let id)? = all.removeValue(forKey: "request_id") { line.requestID = id }
        if case .string(let id)? = all.removeValue(forKey: "trace_id") { line.traceID = id }
        if case .stringConvertible(let value)? = all["fields"], let fields = value as? LogFields {
            all.removeValue(forKey: "fields")
            line.fields = fields.object
        }
        for key in all.keys.sorted() { line.fields.append(key: key, value: Self.json(all[key]!)) }
        return line
    }

    static func json(_ value: Logging.Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let s): return .string(s)
        case .stringConvertible(let v):
            if let b = v as? Bool { return .bool(b) }
            if let i = v as? Int { return .int(i) }
            if let d = v as? Double { return .double(d) }
            return .string(v.description)
        case .array(let a): return .array(a.map(json))
        case .dictionary(let d): return .object(JSONObject(d.keys.sorted().map { ($0, json(d[$0]!)) }))
        }
    }
}

/// Per-event fields in their order and JSON types, carried in swift-log metadata under `fields` (swift-log's
/// metadata is an unordered dictionary of strings; the documented lines keep the fields' order and numbers).
public struct LogFields: Sendable, CustomStringConvertible {
    public var object: JSONObject
    public init(_ object: JSONObject) { self.object = object }
    public var description: String { JSONValue.object(object).jsonString }
}

extension Logging.Logger.Metadata {
    /// The metadata of one line: `request_id`, `trace_id` (when known) and the ordered fields.
    public static func line(requestID: String?, traceID: String?, fields: JSONObject) -> Logging.Logger.Metadata {
        var metadata: Logging.Logger.Metadata = [:]
        if let requestID { metadata["request_id"] = .string(requestID) }
        if let traceID { metadata["trace_id"] = .string(traceID) }
        if !fields.isEmpty { metadata["fields"] = .stringConvertible(LogFields(fields)) }
        return metadata
    }
}
