/// A YAML text that could not be read: a syntax error reported by libyaml, an alias to an unknown anchor, or a
/// document too deep or too large. `description` is `PATH:LINE:COLUMN: message`, the line every tool prints.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path as the caller gave it to the parser (not resolved).
    public var path: String
    public var line: Int
    public var column: Int
    /// What is wrong, in libyaml's words where it came from libyaml.
    public var message: String

    public init(path: String, line: Int, column: Int, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    public init(path: String, mark: YAMLMark, message: String) {
        self.init(path: path, line: mark.line, column: mark.column, message: message)
    }

    public var description: String { "\(path):\(line):\(column): \(message)" }
}
