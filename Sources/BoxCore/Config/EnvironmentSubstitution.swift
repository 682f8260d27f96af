/// Replaces `${NAME}` and `$NAME` in a configuration VALUE with variables from an injected environment, the way
/// Python's `string.Template.safe_substitute` does for the reference implementation:
///
/// - `$$` is a literal `$`;
/// - `${NAME}` and `$NAME` (NAME = `[A-Za-z_][A-Za-z0-9_]*`, longest match) become the variable's value;
/// - an unknown name, a `$` followed by anything else, and an unclosed `${` stay exactly as written.
///
/// The loaders apply it to scalar values after YAML parsing (never to keys, never to the raw text), so a value
/// from the environment can never inject YAML structure and error positions stay those of the file.
public enum EnvironmentSubstitution {
    /// `text` with every known reference replaced from `environment`.
    public static func apply(_ text: String, environment: [String: String]) -> String {
        guard text.utf8.contains(UInt8(ascii: "$")) else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            guard b == UInt8(ascii: "$"), i + 1 < bytes.count else {
                out.append(b)
                i += 1
                continue
            }
            if bytes[i + 1] == UInt8(ascii: "$") {
                out.append(b)
                i += 2
                continue
            }
            // `${NAME}` or `$NAME`; anything else (no name, no closing brace) keeps its `$` as written.
            let braced = bytes[i + 1] == UInt8(ascii: "{")
            let start = i + (braced ? 2 : 1)
            let end = nameEnd(bytes, from: start)
            guard end > start, !braced || (end < bytes.count && bytes[end] == UInt8(ascii: "}")) else {
                out.append(b)
                i += 1
                continue
            }
            let after = braced ? end + 1 : end
            if let value = environment[String(decoding: bytes[start..<end], as: UTF8.self)] {
                out.append(contentsOf: value.utf8)
            } else {
                out.append(contentsOf: bytes[i..<after])
            }
            i = after
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The index after the identifier starting at `start` (== `start` when there is none).
    private static func nameEnd(_ bytes: [UInt8], from start: Int) -> Int {
        guard start < bytes.count, isNameStart(bytes[start]) else { return start }
        var j = start + 1
        while j < bytes.count, isNameStart(bytes[j]) || (bytes[j] >= 0x30 && bytes[j] <= 0x39) { j += 1 }
        return j
    }

    private static func isNameStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "_")
    }
}
