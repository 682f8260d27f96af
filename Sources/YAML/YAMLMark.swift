/// A position in a YAML text: line and column both counted from 1 (libyaml counts from 0; we convert once,
/// where events are read). Columns count Unicode scalars, as libyaml does.
public struct YAMLMark: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static let start = YAMLMark(line: 1, column: 1)

    public var description: String { "\(line):\(column)" }

    public static func < (a: YAMLMark, b: YAMLMark) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}
