public import Logging

/// The one log-level type of the box is swift-log's `Logger.Level` (docs/observability.md); these are the names
/// the `level` field carries and `LOG_LEVEL` accepts (the reference's Python logging names).
extension Logger.Level {
    /// The name written in the `level` field: `trace` writes as `DEBUG` and `notice` as `INFO` (Python logging has
    /// neither).
    public var lineName: String {
        switch self {
        case .trace, .debug: "DEBUG"
        case .info, .notice: "INFO"
        case .warning: "WARNING"
        case .error: "ERROR"
        case .critical: "CRITICAL"
        }
    }

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
    public static func threshold(fromEnvironment value: String?) -> Logger.Level {
        value.flatMap { Logger.Level(name: String($0.trimmed { $0 == " " })) } ?? .info
    }
}
