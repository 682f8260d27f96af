/// Typed reads of a node, each throwing a `YAMLDecodingError` at the node's position.
///
/// When a type is asked for, quoted scalars are accepted too (`timeout: "10"` is 10), as CloudFormation does;
/// the YAML 1.2 core schema of `YAMLScalarSchema` decides what the text means. Explicit standard tags that
/// contradict the request (`!!str 10` read as an integer) are still accepted: the text is what counts.
extension YAMLNode {
    /// The scalar's text. Null, sequences and mappings are errors; numbers and booleans give their text.
    public func string() throws(YAMLDecodingError) -> String {
        guard case .scalar(let text, _) = content, !isNull else { throw wrongType("a string") }
        return text
    }

    public func optionalString() throws(YAMLDecodingError) -> String? {
        isNull ? nil : try string()
    }

    /// The scalar as an integer (decimal, `0x`, `0o`).
    public func int() throws(YAMLDecodingError) -> Int {
        guard case .scalar(let text, _) = content, !isNull else { throw wrongType("an integer") }
        guard let value = YAMLScalarSchema.int(text) else {
            throw YAMLDecodingError(.wrongType, at: mark, "expected an integer, found \(Self.quote(text))")
        }
        return value
    }

    /// The scalar as a number (integers included; `.inf`, `.nan` accepted here, callers range-check).
    public func double() throws(YAMLDecodingError) -> Double {
        guard case .scalar(let text, _) = content, !isNull else { throw wrongType("a number") }
        guard let value = YAMLScalarSchema.double(text) else {
            throw YAMLDecodingError(.wrongType, at: mark, "expected a number, found \(Self.quote(text))")
        }
        return value
    }

    /// The scalar as a boolean: `true`/`false` (also `True`, `TRUE`, ...). `yes`/`no` are not booleans.
    public func bool() throws(YAMLDecodingError) -> Bool {
        guard case .scalar(let text, _) = content, !isNull else { throw wrongType("a boolean") }
        guard let value = YAMLScalarSchema.bool(text) else {
            throw YAMLDecodingError(.wrongType, at: mark, "expected true or false, found \(Self.quote(text))")
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
