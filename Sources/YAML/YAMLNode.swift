/// One node of a YAML document, with the position where it starts.
///
/// Aliases are already resolved (an alias is a copy of its anchored node, keeping the anchored node's mark).
/// Mappings keep their pairs in file order, duplicates included, so that decoders can reject duplicates with
/// the second key's position. Explicit tags (`!Ref`, `!Sub`, `!!str`) are kept verbatim on every kind of node.
public struct YAMLNode: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        case scalar(String, YAMLScalarStyle)
        case sequence([YAMLNode])
        /// A mapping: key/value pairs in file order, duplicates kept.
        case mapping([YAMLPair])
    }

    public var content: Content
    /// The explicit tag as libyaml resolved its handle (`!Ref`, `tag:yaml.org,2002:str` for `!!str`, `!` for
    /// the non-specific tag), or nil when the node carried none.
    public var tag: String?
    /// Where the node starts (for a scalar: its first character, or its opening quote).
    public var mark: YAMLMark

    public init(_ content: Content, tag: String? = nil, mark: YAMLMark = .start) {
        self.content = content
        self.tag = tag
        self.mark = mark
    }

    /// The node an empty document stands for: an empty plain scalar, which reads as null.
    public static func empty(mark: YAMLMark = .start) -> YAMLNode { YAMLNode(.scalar("", .plain), mark: mark) }
}

/// One key/value pair of a mapping.
public struct YAMLPair: Sendable, Equatable {
    /// The key node (usually a scalar; YAML allows any node).
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// How a scalar was written. Plain scalars are the only ones resolved to null, booleans and numbers when no type
/// is asked for: `"yes"`, `"10"` and `"null"` in quotes stay strings.
public enum YAMLScalarStyle: Sendable, Hashable {
    /// Unquoted.
    case plain
    case singleQuoted
    case doubleQuoted
    /// `|` block.
    case literal
    /// `>` block.
    case folded

    public var isQuoted: Bool { self != .plain }
}

extension YAMLNode {
    public var scalar: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    public var scalarStyle: YAMLScalarStyle? {
        if case .scalar(_, let style) = content { return style }
        return nil
    }

    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    public var mapping: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The value of the FIRST pair whose key is the scalar `key` (nil when absent or not a mapping). Decoders
    /// that must reject duplicate keys use `YAMLMappingReader` instead.
    public subscript(key: String) -> YAMLNode? {
        mapping?.first { $0.key.scalar == key }?.value
    }

    /// True for a plain `null`, `Null`, `NULL`, `~` or empty scalar without a tag, or anything tagged `!!null`.
    public var isNull: Bool {
        if tag == "tag:yaml.org,2002:null" { return true }  // `!!null`
        guard tag == nil, case .scalar(let text, .plain) = content else { return false }
        return YAMLScalarSchema.isNull(text)
    }

    public var kindDescription: String {
        switch content {
        case .scalar: isNull ? "null" : "a scalar"
        case .sequence: "a sequence"
        case .mapping: "a mapping"
        }
    }
}
