import BoxCore
import SAMGenerator

/// What `esb generate` takes from SAM CLI's `samconfig.toml` next to the template, as `sam build` would:
/// `parameter_overrides`, `region` and `stack_name` of `[default.global.parameters]`, then of
/// `[default.build.parameters]` (the command's own table wins). Only the TOML that samconfig files use is read:
/// `[table.headers]`, `key = "basic"` / `'literal'` strings, arrays of strings, inline tables
/// (`parameter_overrides = {Stage = "prod"}`, which SAM CLI accepts too), and other values skipped.
public struct SAMConfigFile: Sendable, Equatable {
    /// A value esb reads: text (a string, or an array of strings joined by spaces) or an inline table's pairs.
    private enum Value {
        case text(String)
        case pairs([(String, String)])

        var text: String? {
            if case .text(let text) = self { return text }
            return nil
        }
    }

    /// `parameter_overrides`, split into KEY=VALUE pairs.
    public var parameters: [String: String] = [:]
    public var region: String?
    public var stackName: String?

    public init() {}

    /// Reads the text of a samconfig.toml; `path` labels errors (`PATH:LINE: message`).
    public static func parse(_ text: String, path: String) throws(CommandError) -> SAMConfigFile {
        var tables: [String: [String: Value]] = [:]
        var table = ""
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingASCIIWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                guard let close = line.lastIndex(of: "]") else {
                    throw CommandError("\(path):\(index + 1): unterminated table header")
                }
                table = String(line[line.index(after: line.startIndex)..<close]).trimmingASCIIWhitespace()
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw CommandError("\(path):\(index + 1): expected KEY = VALUE")
            }
            let key = String(String(line[..<equals]).trimmingASCIIWhitespace().trimmed { $0 == "\"" || $0 == "'" })
            let value = String(line[line.index(after: equals)...]).trimmingASCIIWhitespace()
            guard let parsed = try tomlValue(value, path: path, line: index + 1) else { continue }
            tables[table, default: [:]][key] = parsed
        }
        var config = SAMConfigFile()
        for name in ["default.global.parameters", "default.build.parameters"] {
            guard let values = tables[name] else { continue }
            switch values["parameter_overrides"] {
            case .text(let overrides):
                for (key, value) in try ParameterOverrides.parse(overrides) { config.parameters[key] = value }
            case .pairs(let pairs):
                for (key, value) in pairs { config.parameters[key] = value }
            case nil: break
            }
            if let region = values["region"]?.text { config.region = region }
            if let stack = values["stack_name"]?.text { config.stackName = stack }
        }
        return config
    }

    /// A string, an array of strings joined by spaces (as SAM joins `parameter_overrides`), or an inline table;
    /// nil for values that are none of them (numbers, booleans), which samconfig keys esb does not use may have.
    private static func tomlValue(_ text: String, path: String, line: Int) throws(CommandError) -> Value? {
        if text.hasPrefix("{") {
            guard text.hasSuffix("}") else { throw CommandError("\(path):\(line): inline tables must fit on one line") }
            return .pairs(try inlineTable(text.dropFirst().dropLast(), path: path, line: line))
        }
        if text.hasPrefix("[") {
            guard text.hasSuffix("]") else { throw CommandError("\(path):\(line): arrays must fit on one line here") }
            var items: [String] = []
            var rest = Substring(text.dropFirst().dropLast())
            while true {
                rest = rest.drop { $0 == " " || $0 == "," || $0 == "\t" }
                guard !rest.isEmpty else { break }
                let (item, after) = try string(rest, path: path, line: line)
                items.append(item)
                rest = after
            }
            return .text(items.joined(separator: " "))
        }
        guard text.hasPrefix("\"") || text.hasPrefix("'") else { return nil }
        return .text(try string(Substring(text), path: path, line: line).value)
    }

    /// `Key = "value", "Quoted Key" = 'v', Count = 3`: the pairs in order. A value that is not a string (a number,
    /// a boolean) is taken as written, as SAM CLI turns it into `Key=Value` text.
    private static func inlineTable(_ text: Substring, path: String, line: Int) throws(CommandError) -> [(
        String, String
    )] {
        var pairs: [(String, String)] = []
        var rest = text
        let blank = { (c: Character) in c == " " || c == "\t" }
        // A quoted string, else the bare text up to `end`, blanks trimmed; `rest` moves past it.
        func item(upTo end: (Character) -> Bool) throws(CommandError) -> String {
            if rest.first == "\"" || rest.first == "'" {
                let quoted = try string(rest, path: path, line: line)
                rest = quoted.rest
                return quoted.value
            }
            let bare = rest.prefix { !end($0) }
            rest = rest.dropFirst(bare.count)
            return String(bare).trimmingASCIIWhitespace()
        }
        while true {
            rest = rest.drop { blank($0) || $0 == "," }
            guard !rest.isEmpty else { break }
            let key = try item { blank($0) || $0 == "=" }
            rest = rest.drop(while: blank)
            guard !key.isEmpty, rest.first == "=" else {
                throw CommandError("\(path):\(line): expected KEY = VALUE in the inline table")
            }
            rest = rest.dropFirst().drop(while: blank)
            pairs.append((key, try item { $0 == "," }))
        }
        return pairs
    }

    private static func string(_ text: Substring, path: String, line: Int) throws(CommandError) -> (
        value: String, rest: Substring
    ) {
        guard let quote = text.first, quote == "\"" || quote == "'" else {
            throw CommandError("\(path):\(line): expected a quoted string")
        }
        var value = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let c = text[index]
            if c == quote { return (value, text[text.index(after: index)...]) }
            if c == "\\", quote == "\"", text.index(after: index) < text.endIndex {
                index = text.index(after: index)
                switch text[index] {
                case "n": value.append("\n")
                case "t": value.append("\t")
                default: value.append(text[index])
                }
            } else {
                value.append(c)
            }
            index = text.index(after: index)
        }
        throw CommandError("\(path):\(line): unterminated string")
    }
}

/// `--parameter-overrides` (and samconfig's `parameter_overrides`): `Key=Value Key2="two words"`, also SAM's
/// older `ParameterKey=Key,ParameterValue=Value` form. Quotes group words and are removed.
public enum ParameterOverrides {
    /// The pairs in order; a word without `=` is an error.
    public static func parse(_ text: String) throws(CommandError) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for word in try words(text) {
            if word.hasPrefix("ParameterKey="), let comma = word.range(of: ",ParameterValue=") {
                let key = String(word[word.index(word.startIndex, offsetBy: "ParameterKey=".count)..<comma.lowerBound])
                pairs.append((key, String(word[comma.upperBound...])))
                continue
            }
            guard let equals = word.firstIndex(of: "="), equals != word.startIndex else {
                throw CommandError("parameter override \(quoted(word)): expected KEY=VALUE")
            }
            pairs.append((String(word[..<equals]), String(word[word.index(after: equals)...])))
        }
        return pairs
    }

    /// Shell-like words: spaces separate, `"..."` and `'...'` group (and are removed), `\"` inside double quotes.
    static func words(_ text: String) throws(CommandError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for c in text {
            if escaped {
                current.append(c)
                escaped = false
            } else if let q = quote {
                if c == q { quote = nil } else if c == "\\" && q == "\"" { escaped = true } else { current.append(c) }
            } else if c == "\"" || c == "'" {
                quote = c
                inWord = true
            } else if c == " " || c == "\t" || c == "\n" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(c)
                inWord = true
            }
        }
        guard quote == nil else { throw CommandError("parameter overrides: unterminated quote in \(quoted(text))") }
        if inWord { words.append(current) }
        return words
    }
}
