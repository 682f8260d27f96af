/// Turns log events into JSON lines for one process: knows the level threshold (`LOG_LEVEL`) and the
/// process's `container_name`, and drops what is below the threshold before any formatting work.
public struct LogFormatter: Sendable {
    /// Lines below this level are dropped.
    public var threshold: LogLevel
    /// Written as `container_name` on every line (docs/contract.md §3.8: `CONTAINER_NAME`, default the host name).
    public var containerName: String?

    /// A formatter with an explicit threshold.
    public init(threshold: LogLevel = .info, containerName: String? = nil) {
        self.threshold = threshold
        self.containerName = containerName
    }

    /// A formatter configured from an environment (`LOG_LEVEL`, `CONTAINER_NAME`), with `hostName` as the
    /// fallback container name.
    public init(environment: [String: String], hostName: String? = nil) {
        threshold = LogLevel.threshold(fromEnvironment: environment["LOG_LEVEL"])
        let name = environment["CONTAINER_NAME"].flatMap { $0.isEmpty ? nil : $0 }
        containerName = name ?? hostName
    }

    /// True when a line at `level` would be written (check before building expensive fields).
    public func isEnabled(_ level: LogLevel) -> Bool { level >= threshold }

    /// The line, or nil when `level` is below the threshold.
    public func line(
        _ level: LogLevel, logger: String, message: String, epochMilliseconds: Int64, requestID: String? = nil,
        traceID: String? = nil, fields: JSONObject = [:]
    ) -> LogLine? {
        guard isEnabled(level) else { return nil }
        return LogLine(
            epochMilliseconds: epochMilliseconds, level: level, logger: logger, message: message,
            containerName: containerName, requestID: requestID, traceID: traceID, fields: fields)
    }

    /// The JSON line with its newline, or nil when `level` is below the threshold.
    public func format(
        _ level: LogLevel, logger: String, message: String, epochMilliseconds: Int64, requestID: String? = nil,
        traceID: String? = nil, fields: JSONObject = [:]
    ) -> [UInt8]? {
        line(level, logger: logger, message: message, epochMilliseconds: epochMilliseconds, requestID: requestID,
            traceID: traceID, fields: fields)?.jsonLine()
    }
}
