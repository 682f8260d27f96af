import Foundation
import YAML

/// A template value after intrinsic functions were applied, still carrying the position it came from so that
/// every later complaint points at the template.
///
/// Scalars are kept as text (CloudFormation passes every scalar as a string; typed reads parse the text).
/// `isKnown` is false when a placeholder stands for something the box cannot know (`!ImportValue`, an
/// attribute without a synthetic value): conditions that depend on it cannot be decided.
struct TemplateValue: Equatable {
    enum Kind: Equatable {
        case null
        case string(String)
        case list([TemplateValue])
        case map([Entry])
        /// `!Ref AWS::NoValue`: the key that holds it is removed.
        case noValue
    }

    /// One key of a map, with the key's own position.
    struct Entry: Equatable {
        var key: String
        var keyMark: YAMLMark
        var value: TemplateValue
    }

    var kind: Kind
    var mark: YAMLMark
    var isKnown = true

    static func string(_ text: String, at mark: YAMLMark, known: Bool = true) -> TemplateValue {
        TemplateValue(kind: .string(text), mark: mark, isKnown: known)
    }

    var isNull: Bool { kind == .null }
    var isNoValue: Bool { kind == .noValue }

    /// "a string", "a list", "a map", "null": for messages.
    var kindDescription: String {
        switch kind {
        case .null: "null"
        case .string: "a string"
        case .list: "a list"
        case .map: "a map"
        case .noValue: "AWS::NoValue"
        }
    }

    /// The value of `key` in a map (nil when absent, not a map, or AWS::NoValue).
    subscript(key: String) -> TemplateValue? {
        guard case .map(let entries) = kind, let value = entries.first(where: { $0.key == key })?.value,
            !value.isNoValue
        else { return nil }
        return value
    }

    /// The entry of `key` in a map, for the key's position.
    func entry(_ key: String) -> Entry? {
        guard case .map(let entries) = kind else { return nil }
        return entries.first { $0.key == key && !$0.value.isNoValue }
    }

    // MARK: Typed reads; each error names what was expected and points at the value.

    func string(_ what: String) throws(TemplateError) -> String {
        guard case .string(let text) = kind else { throw wrongType("a string", for: what) }
        return text
    }

    func int(_ what: String) throws(TemplateError) -> Int {
        let text = try string(what)
        if let value = YAMLScalarSchema.int(text) { return value }
        if let double = YAMLScalarSchema.double(text), double.isFinite, double == double.rounded(),
            abs(double) < 1e15
        {
            return Int(double)
        }
        var error = TemplateError("\(what) must be an integer, found \(quoted(text))", at: mark)
        error.followsEarlierError = !isKnown
        throw error
    }

    func bool(_ what: String) throws(TemplateError) -> Bool {
        let text = try string(what)
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default:
            var error = TemplateError("\(what) must be true or false, found \(quoted(text))", at: mark)
            error.followsEarlierError = !isKnown
            throw error
        }
    }

    func list(_ what: String) throws(TemplateError) -> [TemplateValue] {
        guard case .list(let items) = kind else { throw wrongType("a list", for: what) }
        return items.filter { !$0.isNoValue }
    }

    /// A list, or a single value taken as a one-item list (SAM accepts both for Layers, Architectures...).
    func listOrSingle(_ what: String) throws(TemplateError) -> [TemplateValue] {
        if case .list = kind { return try list(what) }
        return [self]
    }

    func entries(_ what: String) throws(TemplateError) -> [Entry] {
        guard case .map(let entries) = kind else { throw wrongType("a map", for: what) }
        return entries.filter { !$0.value.isNoValue }
    }

    func wrongType(_ expected: String, for what: String) -> TemplateError {
        TemplateError("\(what) must be \(expected), found \(kindDescription)", at: mark)
    }
}

/// `"text"` in full (names whose length is the problem), control characters escaped so that a message stays one line.
func quotedInFull(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\n": out += "\\n"
        case "\"": out += "\\\""
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

/// `"text"`, shortened, for messages.
package func quoted(_ text: String) -> String {
    let short = text.count > 60 ? String(text.prefix(57)) + "..." : text
    return "\"" + short.replacingOccurrences(of: "\n", with: "\\n") + "\""
}
