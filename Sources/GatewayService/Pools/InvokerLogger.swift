public import Logging

/// Where the pools report what happened (worker dropped, heartbeat failed, Manager errors). The front wires it to
/// the gateway's JSON log lines (§3.8); `fields` become per-event fields such as `function` and `worker`.
public struct InvokerLogger: Sendable {
    /// Severity of a pool event: swift-log's level (docs/observability.md).
    public typealias Level = Logger.Level

    private let emit: @Sendable (Level, String, [(String, String)]) -> Void

    /// A logger that hands each event to `emit`.
    public init(_ emit: @escaping @Sendable (Level, String, [(String, String)]) -> Void) {
        self.emit = emit
    }

    /// Discards everything.
    public static let discarding = InvokerLogger { _, _, _ in }

    /// Reports one event.
    public func log(_ level: Level, _ message: String, _ fields: [(String, String)] = []) {
        emit(level, message, fields)
    }
}
