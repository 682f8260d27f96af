public import Logging

/// One log line (docs/contract.md §3.8): a JSON object on one line with `_time` (UTC ISO-8601, ms), `level`, `logger`,
/// `message`, `container_name`, `request_id`, `trace_id` (each of the last three omitted when unknown), then the
/// per-event fields in the order given. A field named like a standard one is dropped: it never overwrites it.
/// Pure formatting: the daemons write the bytes to stdout and ship them.
public struct LogLine: Sendable, Equatable {
    public var epochMilliseconds: Int64
    public var level: Logger.Level
    /// Logger name, e.g. `gateway.proxy`.
    public var logger: String
    public var message: String
    /// `CONTAINER_NAME` of the emitting process (or the worker's Docker name).
    public var containerName: String?
    /// The request's `X-Request-Id`.
    public var requestID: String?
    /// The request's `X-Amzn-Trace-Id`.
    public var traceID: String?
    /// Per-event fields (`method`, `path`, `status`, `latency_ms`, ...) in order; numbers stay numbers.
    public var fields: JSONObject

    public init(
        epochMilliseconds: Int64, level: Logger.Level, logger: String, message: String, containerName: String? = nil,
        requestID: String? = nil, traceID: String? = nil, fields: JSONObject = [:]
    ) {
        self.epochMilliseconds = epochMilliseconds
        self.level = level
        self.logger = logger
        self.message = message
        self.containerName = containerName
        self.requestID = requestID
        self.traceID = traceID
        self.fields = fields
    }

    /// Whether `key` is one of the keys this type writes itself (`_time`, `level`, `logger`, `message`,
    /// `container_name`, `request_id`, `trace_id`); fields with these names are dropped. By length, then equality:
    /// this runs for every field of every access line, where hashing the key cost more than the comparison.
    public static func isStandardKey(_ key: String) -> Bool {
        switch key.utf8.count {
        case 5: key == "_time" || key == "level"
        case 6: key == "logger"
        case 7: key == "message"
        case 8: key == "trace_id"
        case 10: key == "request_id"
        case 14: key == "container_name"
        default: false
        }
    }

    /// The JSON object followed by `\n`. The writer starts with room for a gateway access line (about 600 bytes
    /// with its ids and worker): growing it would allocate again on every request.
    public func jsonLine() -> [UInt8] {
        var w = JSONWriter(capacity: 640 + message.utf8.count)
        write(to: &w)
        w.bytes.append(0x0A)
        return w.bytes
    }

    /// The JSON object without a newline.
    public var jsonString: String {
        var w = JSONWriter(capacity: 640 + message.utf8.count)
        write(to: &w)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// Writes the object into a writer (for batching many lines into one buffer).
    public func write(to w: inout JSONWriter) {
        Self.write(
            to: &w, epochMilliseconds: epochMilliseconds, level: level, logger: logger, containerName: containerName,
            requestID: requestID, traceID: traceID, message: { $0.string(message) },
            fields: { w in
                for member in fields.members where !Self.isStandardKey(member.key) {
                    w.key(member.key)
                    w.value(member.value)
                }
            })
    }

    /// The one layout of a line, for `LogLine` and for lines written straight into a writer (the gateway's access
    /// line, which skips building a `JSONObject` of its fields: docs/performance.md). `message` writes the message's
    /// string value, `fields` the per-event members after the standard ones; it must not use a standard key.
    public static func write(
        to w: inout JSONWriter, epochMilliseconds: Int64, level: Logger.Level, logger: String, containerName: String?,
        requestID: String?, traceID: String?, message: (inout JSONWriter) -> Void,
        fields: (inout JSONWriter) -> Void
    ) {
        w.beginObject()
        w.key(._time)
        w.bytes.append(UInt8(ascii: "\""))
        UTCTime(epochMilliseconds: epochMilliseconds).appendISO8601(to: &w.bytes)
        w.bytes.append(UInt8(ascii: "\""))
        w.needsComma = true
        w.key(.level); w.string(level.lineName)
        w.key(.logger); w.string(logger)
        w.key(.message); message(&w)
        if let containerName { w.key(.container_name); w.string(containerName) }
        if let requestID { w.key(.request_id); w.string(requestID) }
        if let traceID { w.key(.trace_id); w.string(traceID) }
        fields(&w)
        w.endObject()
    }
}
