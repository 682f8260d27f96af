/// Typed reads of a node, each throwing a `YAMLDecodingError` at the node's position.
///
/// When a type is asked for, quoted scalars are accepted too (`timeout: "10"` is 10), as CloudFormation does;
/// the YAML 1.2 core schema of `YAMLScalarSchema` decides what the text means. Explicit standard tags that
/// contradict the request (`!!str 10` read as an integer) are still accepted: the text is what counts.
extension YAMLNode {
    /// The scalar's text. Null, sequences and mappings are errors; numbers and booleans give their text.
    public func string() throws(YAMLDecodingError) -> String {
        try typed("a string") { $0 }
    }

    public func optionalString() throws(YAMLDecodingError) -> String? {
        isNull ? nil : try string()
    }

    /// The scalar as an integer (decimal, `0x`, `0o`).
    public func int() throws(YAMLDecodingError) -> Int {
        try typed("an integer", YAMLScalarSchema.int)
    }

    /// The scalar as a number (integers included; `.inf`, `.nan` accepted here, callers range-check).
    public func double() throws(YAMLDecodingError) -> Double {
        try typed("a number", YAMLScalarSchema.double)
    }

    /// The scalar as a boolean: `true`/`false` (also `True`, `TRUE`, ...). `yes`/`no` are not booleans.
    public func bool() throws(YAMLDecodingError) -> Bool {
        try typed("a boolean", orText: "true or false", YAMLScalarSchema.bool)
    }

    /// A non-null scalar read by `parse`, else "expected WHAT, found ..." (`orText` for text `parse` refuses).
    private func typed<T>(_ expected: String, orText: String? = nil, _ parse: (String) -> T?)
        throws(YAMLDecodingError) -> T
    {
        guard case .scalar(let text, _) = content, !isNull, let value = parse(text) else {
            throw wrongType(scalar == nil || isNull ? expected : orText ?? expected)
        }
        return value
    }

    /// The sequence's items. Null is an empty sequence when `nullIsEmpty` (a key written with no value).
    public func items(nullIsEmpty: Bool = false) throws(YAMLDecodingError) -> [YAMLNode] {
        if nullIsEmpty && isNull { return [] }
        guard let items = sequence else { throw wrongType("a sequence") }
        return items
    }

    /// The mapping opened for keyed decoding (string keys, duplicates rejected). Null is an empty mapping when
    /// `nullIsEmpty`.
    public func mappingReader(nullIsEmpty: Bool = false) throws(YAMLDecodingError) -> YAMLMappingReader {
        try YAMLMappingReader(self, nullIsEmpty: nullIsEmpty)
    }

    /// An error "expected WHAT, found KIND" at this node.
    public func wrongType(_ expected: String) -> YAMLDecodingError {
        let found: String
        switch content {
        case .scalar(let text, _): found = isNull ? "null" : Self.quote(text)
        case .sequence: found = "a sequence"
        case .mapping: found = "a mapping"
        }
        return YAMLDecodingError(.wrongType, at: mark, "expected \(expected), found \(found)")
    }

    /// `"text"` shortened to 40 characters, for messages.
    static func quote(_ text: String) -> String {
        let short = text.count > 40 ? text.prefix(37) + "..." : Substring(text)
        var out = "\""
        for ch in short.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if ch.value < 0x20 {
                    out += "\\u{\(String(ch.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out + "\""
    }
}
