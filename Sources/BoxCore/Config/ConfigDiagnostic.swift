/// One located message about a configuration file: `PATH:LINE:COLUMN: message`, PATH as given, LINE and COLUMN
/// counted from 1. Used for errors (which stop a load) and warnings (which do not).
public struct ConfigDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// The file, as the caller named it.
    public var path: String
    /// Line, from 1.
    public var line: Int
    /// Column, from 1.
    public var column: Int
    public var message: String

    public init(path: String, line: Int, column: Int, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    /// `PATH:LINE:COLUMN: message`.
    public var description: String { "\(path):\(line):\(column): \(message)" }
}

/// A configuration file that cannot be used: one diagnostic per problem found (a loader keeps going past a bad
/// function or route so that one run shows every problem), in file order.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems, at least one.
    public var diagnostics: [ConfigDiagnostic]

    public init(_ diagnostics: [ConfigDiagnostic]) {
        precondition(!diagnostics.isEmpty, "a ConfigError needs at least one diagnostic")
        self.diagnostics = diagnostics
    }

    /// An error of one diagnostic (a file that cannot be read or parsed at all).
    init(path: String, line: Int = 1, column: Int = 1, message: String) {
        self.init([ConfigDiagnostic(path: path, line: line, column: column, message: message)])
    }

    /// One line per diagnostic.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
