import YAML

/// One message about a template or configuration file, located at `PATH:LINE:COLUMN` (both from 1).
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    /// Errors stop the command (exit 1, nothing written); warnings are printed and the command goes on.
    public enum Severity: String, Sendable, Equatable {
        /// The input cannot be understood.
        case error
        /// Something is ignored or approximated.
        case warning
    }

    public var severity: Severity
    /// The file as the user named it.
    public var path: String
    public var line: Int
    public var column: Int
    public var message: String
    /// Set on warnings about settings that have no effect in the box (IAM, logging, tracing...): they are
    /// counted per group in one summary line instead of printed one by one (docs/sam-support.md).
    public var noEffectGroup: String?

    public init(_ severity: Severity, path: String, line: Int, column: Int, message: String) {
        self.severity = severity
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    init(_ severity: Severity, path: String, mark: YAMLMark, message: String) {
        self.init(severity, path: path, line: mark.line, column: mark.column, message: message)
    }

    /// A diagnostic about the command line rather than a place in a file: printed without a position.
    public static func unlocated(_ severity: Severity, _ message: String) -> Diagnostic {
        Diagnostic(severity, path: "", line: 0, column: 0, message: message)
    }

    /// `PATH:LINE:COLUMN: error: message` (or `warning:`), the form compilers print; `warning: message` for
    /// a diagnostic without a position.
    public var description: String {
        line == 0 ? "\(severity.rawValue): \(message)" : "\(path):\(line):\(column): \(severity.rawValue): \(message)"
    }
}

/// A problem at a position of the file being read; the file's path is added where the error is reported.
struct TemplateError: Error, Equatable {
    var mark: YAMLMark
    var message: String
    /// The error is about a placeholder that stands for a value already reported missing: it is dropped when
    /// an earlier error exists, so one missing parameter gives one error, not one per use.
    var followsEarlierError = false

    init(_ message: String, at mark: YAMLMark) {
        self.mark = mark
        self.message = message
    }

    init(_ error: YAMLDecodingError) {
        self.init(error.message, at: error.mark)
    }
}

/// Collects the diagnostics of one run: warnings deduplicated, everything reported in file order.
final class DiagnosticLog {
    let path: String
    private(set) var entries: [Diagnostic] = []
    private var seen: Set<String> = []

    init(path: String) { self.path = path }

    func warn(_ message: String, at mark: YAMLMark) {
        add(Diagnostic(.warning, path: path, mark: mark, message: message))
    }

    /// A warning about a setting with no effect in the box, counted under `group` in the summary.
    func noEffect(_ message: String, group: String, at mark: YAMLMark) {
        var diagnostic = Diagnostic(.warning, path: path, mark: mark, message: message)
        diagnostic.noEffectGroup = group
        add(diagnostic)
    }

    /// A warning without a position (about the command line).
    func warnUnlocated(_ message: String) {
        add(.unlocated(.warning, message))
    }

    func error(_ error: TemplateError) {
        if error.followsEarlierError, hasErrors { return }
        add(Diagnostic(.error, path: path, mark: error.mark, message: error.message))
    }

    func error(_ message: String, at mark: YAMLMark) {
        error(TemplateError(message, at: mark))
    }

    private func add(_ diagnostic: Diagnostic) {
        guard seen.insert(diagnostic.description).inserted else { return }
        entries.append(diagnostic)
    }

    var errors: [Diagnostic] { sorted.filter { $0.severity == .error } }
    var warnings: [Diagnostic] { sorted.filter { $0.severity == .warning } }
    var hasErrors: Bool { entries.contains { $0.severity == .error } }
    var errorCount: Int { entries.count { $0.severity == .error } }

    /// By position; equal positions keep the order they were found in (the sort is stable on the index).
    private var sorted: [Diagnostic] {
        entries.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
    }
}
