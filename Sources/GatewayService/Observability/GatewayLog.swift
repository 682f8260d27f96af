/// The gateway's JSON log lines (docs/contract.md §3.8): one object per line with `_time`, `level`, `logger`, `message`,
/// `container_name`, `request_id`, `trace_id` and per-event fields. Lines go to `sink` (stdout and, with
/// `VICTORIALOGS_URL`, the shipping buffer); building a line never blocks.
public struct GatewayLog: Sendable {
    /// Severity, ordered.
    public enum Level: Int, Sendable, Comparable {
        case debug, info, warning, error
        /// Orders by severity.
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        /// `LOG_LEVEL` spelling (`WARN` accepted).
        public init(name: String) {
            switch name.uppercased() {
            case "DEBUG": self = .debug
            case "WARNING", "WARN": self = .warning
            case "ERROR", "CRITICAL": self = .error
            default: self = .info
            }
        }
        /// The name written in `level`.
        public var name: String {
            switch self {
            case .debug: "DEBUG"
            case .info: "INFO"
            case .warning: "WARNING"
            case .error: "ERROR"
            }
        }
    }

    /// A per-event field value.
    public enum Value: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        case string(String)
        case int(Int)
        case double(Double)
        case bool(Bool)
        /// A string value.
        public init(stringLiteral value: String) { self = .string(value) }
        /// An integer value.
        public init(integerLiteral value: Int) { self = .int(value) }
    }

    /// The `container_name` of every line.
    public let containerName: String
    /// Lines below this level are not written.
    public let minimumLevel: Level
    private let sink: @Sendable ([UInt8]) -> Void
    private let now: @Sendable () -> Int64

    /// A log that hands each complete line (with its trailing newline) to `sink`.
    /// - Parameter now: milliseconds since the epoch (injected for tests).
    public init(
        containerName: String, minimumLevel: Level, now: @escaping @Sendable () -> Int64 = { UTCTimestamp.nowMillis() },
        sink: @escaping @Sendable ([UInt8]) -> Void
    ) {
        self.containerName = containerName
        self.minimumLevel = minimumLevel
        self.sink = sink
        self.now = now
    }

    /// True when lines of `level` are written.
    public func isEnabled(_ level: Level) -> Bool { level >= minimumLevel }

    /// Writes one line.
    public func log(
        _ level: Level, _ message: String, logger: String = "gateway", requestID: String? = nil, traceID: String? = nil,
        fields: [(String, Value)] = []
    ) {
        guard isEnabled(level) else { return }
        sink(line(level, message, logger: logger, requestID: requestID, traceID: traceID, fields: fields))
    }

    /// The line `log` would write.
    func line(
        _ level: Level, _ message: String, logger: String, requestID: String?, traceID: String?, fields: [(String, Value)]
    ) -> [UInt8] {
        var out = "{\"_time\":\"\(UTCTimestamp.iso8601(epochMillis: now()))\",\"level\":\"\(level.name)\""
        out += ",\"logger\":\(JSONText.quote(logger)),\"message\":\(JSONText.quote(message))"
        out += ",\"container_name\":\(JSONText.quote(containerName))"
        if let requestID { out += ",\"request_id\":\(JSONText.quote(requestID))" }
        if let traceID { out += ",\"trace_id\":\(JSONText.quote(traceID))" }
        let reserved: Set<String> = ["_time", "level", "logger", "message", "container_name", "request_id", "trace_id"]
        for (key, value) in fields where !reserved.contains(key) {
            out += ",\(JSONText.quote(key)):"
            switch value {
            case .string(let s): out += JSONText.quote(s)
            case .int(let i): out += String(i)
            case .double(let d): out += d.isFinite ? String(d) : "null"
            case .bool(let b): out += b ? "true" : "false"
            }
        }
        out += "}\n"
        return Array(out.utf8)
    }

    /// A log that writes nothing (tests that do not look at lines).
    public static let discarding = GatewayLog(containerName: "test", minimumLevel: .error, now: { 0 }, sink: { _ in })
}

extension GatewayLog.Value {
    /// Milliseconds with two decimals, as the reference's `latency_ms`.
    static func millis(_ d: Duration) -> GatewayLog.Value {
        let ms = d.frontMilliseconds
        return .double(Double(Int64(ms * 100 + 0.5)) / 100)
    }
}
