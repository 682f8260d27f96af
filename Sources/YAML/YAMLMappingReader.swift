/// A mapping opened for keyed decoding: every key must be a non-null scalar and appear once (a duplicate is an
/// error at its second occurrence); values are looked up by key; `rejectUnknownKeys` reports the first key that
/// the schema does not know, at the key's position.
public struct YAMLMappingReader: Sendable {
    /// One entry: the key's text, the key node (for its position), and the value.
    public struct Entry: Sendable, Equatable {
        public var key: String
        /// The key node (its mark points at the key).
        public var keyNode: YAMLNode
        public var value: YAMLNode
    }

    /// The entries in file order.
    public let entries: [Entry]
    /// The mapping node's own position (missing keys are reported here).
    public let mark: YAMLMark
    private let index: [String: Int]

    /// Opens `node`, which must be a mapping (or null, when `nullIsEmpty`).
    public init(_ node: YAMLNode, nullIsEmpty: Bool = false) throws(YAMLDecodingError) {
        mark = node.mark
        if nullIsEmpty && node.isNull {
            entries = []
            index = [:]
            return
        }
        guard let pairs = node.mapping else { throw node.wrongType("a mapping") }
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        entries.reserveCapacity(pairs.count)
        for pair in pairs {
            guard case .scalar(let key, _) = pair.key.content, !pair.key.isNull else {
                throw YAMLDecodingError(
                    .wrongType, at: pair.key.mark, "expected a string key, found \(pair.key.kindDescription)")
            }
            if let first = index[key] {
                throw YAMLDecodingError(
                    .duplicateKey, at: pair.key.mark,
                    "duplicate key \(YAMLNode.quote(key)) (first at line \(entries[first].keyNode.mark.line))")
            }
            index[key] = entries.count
            entries.append(Entry(key: key, keyNode: pair.key, value: pair.value))
        }
        self.entries = entries
        self.index = index
    }

    /// The value for `key`, or nil when absent. A key written with no value is present with a null value.
    public subscript(key: String) -> YAMLNode? {
        index[key].map { entries[$0].value }
    }

    /// The value for `key`, or nil when absent or null.
    public func optional(_ key: String) -> YAMLNode? {
        guard let value = self[key], !value.isNull else { return nil }
        return value
    }

    /// The value for `key`; a missing-key error at the mapping's position when absent.
    public func required(_ key: String) throws(YAMLDecodingError) -> YAMLNode {
        guard let value = self[key] else {
            throw YAMLDecodingError(.missingKey, at: mark, "missing key \(YAMLNode.quote(key))")
        }
        return value
    }

    /// True when `key` is present (even with a null value).
    public func contains(_ key: String) -> Bool { index[key] != nil }

    /// Throws an unknown-key error at the first key not in `allowed`, naming the allowed keys.
    public func rejectUnknownKeys(allowed: Set<String>) throws(YAMLDecodingError) {
        for entry in entries where !allowed.contains(entry.key) {
            let list = allowed.sorted().joined(separator: ", ")
            throw YAMLDecodingError(
                .unknownKey, at: entry.keyNode.mark,
                "unknown key \(YAMLNode.quote(entry.key)) (expected one of: \(list))")
        }
    }
}
