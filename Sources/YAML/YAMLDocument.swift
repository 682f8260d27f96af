/// Reads YAML text into a `YAMLNode` tree.
///
/// - One document per text: a second document (after `---` or `...`) is an error at its start, because silently
///   dropping it would lose configuration.
/// - An empty text (or one with only comments) is an empty plain scalar, which `isNull`.
/// - Aliases are resolved to copies of their anchored node; an alias to an unknown anchor is an error.
/// - Merge keys (`<<`) are not interpreted: `<<` is an ordinary key.
/// - Nesting deeper than `maximumDepth` and alias expansions past `maximumExpandedNodes` nodes are errors, so a
///   hostile file cannot overflow the stack or blow up consumers that walk the tree ("billion laughs").
public enum YAMLDocument {
    /// Deepest nesting of sequences and mappings accepted.
    public static let maximumDepth = 256
    /// Most nodes the whole document may stand for once aliases are expanded.
    public static let maximumExpandedNodes = 1_000_000

    /// Parses the first document of `text`. `path` is used only in error messages.
    public static func parse(_ text: String, path: String) throws(YAMLError) -> YAMLNode {
        var composer = try Composer(text: text, path: path)
        return try composer.document()
    }
}

/// Turns the event stream into a tree; keeps the anchors seen so far and the alias-expansion budget.
private struct Composer: ~Copyable {
    private var reader: YAMLEventReader
    private let path: String
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var expandedNodes = 0

    init(text: String, path: String) throws(YAMLError) {
        reader = try YAMLEventReader(text: text, path: path)
        self.path = path
    }

    mutating func document() throws(YAMLError) -> YAMLNode {
        guard case .streamStart = try reader.next() else { return .empty() }
        switch try reader.next() {
        case .documentStart: break
        default: return .empty()
        }
        let first = try reader.next()
        let (root, _) = try node(first, depth: 0)
        // Reading the document end surfaces syntax errors that follow the root node.
        _ = try reader.next()
        if case .documentStart(let mark) = try reader.next() {
            throw YAMLError(path: path, mark: mark, message: "a second YAML document starts here; only one is allowed")
        }
        return root
    }

    /// The node that starts with `event`, and how many nodes it stands for.
    private mutating func node(_ event: YAMLEvent, depth: Int) throws(YAMLError) -> (YAMLNode, Int) {
        switch event {
        case .scalar(let text, let style, let tag, let anchor, let mark):
            let node = YAMLNode(.scalar(text, style), tag: tag, mark: mark)
            try count(1, at: mark)
            remember(anchor, node, size: 1)
            return (node, 1)
        case .alias(let anchor, let mark):
            guard let (node, size) = anchors[anchor] else {
                throw YAMLError(path: path, mark: mark, message: "unknown alias '*\(anchor)'")
            }
            try count(size, at: mark)
            return (node, size)
        case .sequenceStart(let tag, let anchor, let mark):
            try checkDepth(depth, at: mark)
            try count(1, at: mark)
            var items: [YAMLNode] = []
            var size = 1
            while true {
                let next = try reader.next()
                if case .sequenceEnd = next { break }
                let (item, itemSize) = try node(next, depth: depth + 1)
                items.append(item)
                size += itemSize
            }
            let node = YAMLNode(.sequence(items), tag: tag, mark: mark)
            remember(anchor, node, size: size)
            return (node, size)
        case .mappingStart(let tag, let anchor, let mark):
            try checkDepth(depth, at: mark)
            try count(1, at: mark)
            var pairs: [YAMLPair] = []
            var size = 1
            while true {
                let next = try reader.next()
                if case .mappingEnd = next { break }
                let (key, keySize) = try node(next, depth: depth + 1)
                let (value, valueSize) = try node(try reader.next(), depth: depth + 1)
                pairs.append(YAMLPair(key: key, value: value))
                size += keySize + valueSize
            }
            let node = YAMLNode(.mapping(pairs), tag: tag, mark: mark)
            remember(anchor, node, size: size)
            return (node, size)
        default:
            throw YAMLError(path: path, mark: .start, message: "unexpected YAML event \(event)")
        }
    }

    private mutating func remember(_ anchor: String?, _ node: YAMLNode, size: Int) {
        if let anchor { anchors[anchor] = (node, size) }
    }

    private mutating func count(_ nodes: Int, at mark: YAMLMark) throws(YAMLError) {
        expandedNodes += nodes
        if expandedNodes > YAMLDocument.maximumExpandedNodes {
            throw YAMLError(
                path: path, mark: mark,
                message:
                    "document too large: more than \(YAMLDocument.maximumExpandedNodes) nodes once aliases are expanded"
            )
        }
    }

    private func checkDepth(_ depth: Int, at mark: YAMLMark) throws(YAMLError) {
        if depth >= YAMLDocument.maximumDepth {
            throw YAMLError(path: path, mark: mark, message: "nesting deeper than \(YAMLDocument.maximumDepth) levels")
        }
    }
}
