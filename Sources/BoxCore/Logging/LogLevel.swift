/// Severity of a log line, ordered; the names are the reference's (Python logging) names.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    /// `DEBUG`
    case debug = 10
    /// `INFO`
    case info = 20
    /// `WARNING`
    case warning = 30
    /// `ERROR`
    case error = 40
    /// `CRITICAL`
    case critical = 50

    /// The name written in the `level` field.
    public var name: String {
        switch self {
        case .debug: "DEBUG"
        case .info: "INFO"
        case .warning: "WARNING"
        case .error: "ERROR"
        case .critical: "CRITICAL"
        }
    }

    /// Same as `name`.
    public var description: String { name }

    /// A level from its name, any case; `WARN` and `FATAL` are accepted as the usual aliases. Nil otherwise.
    public init?(name: String) {
        switch name.uppercased() {
        case "DEBUG", "TRACE": self = .debug
        case "INFO": self = .info
        case "WARNING", "WARN": self = .warning
        case "ERROR": self = .error
        case "CRITICAL", "FATAL": self = .critical
        default: return nil
        }
    }

    /// The threshold from a `LOG_LEVEL` value: unset, empty or unknown → `INFO` (the documented default).
    public static func threshold(fromEnvironment value: String?) -> LogLevel {
        guard let value, let level = LogLevel(name: value.trimmingASCIIWhitespace()) else { return .info }
        return level
    }

    /// Orders by severity.
    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}
