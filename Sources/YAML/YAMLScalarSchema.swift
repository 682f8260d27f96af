/// How scalar text is read as null, booleans and numbers: the YAML 1.2 core schema.
///
/// - null: `~`, `null`, `Null`, `NULL`, empty.
/// - booleans: `true`/`True`/`TRUE`, `false`/`False`/`FALSE` only. YAML 1.1's `yes`/`no`/`on`/`off` are strings
///   (they are the classic surprise in config files: `country: NO`).
/// - integers: `[-+]?[0-9]+`, `0x` hex, `0o` octal.
/// - floats: `[-+]?(.[0-9]+|[0-9]+(.[0-9]*)?)([eE][-+]?[0-9]+)?`, `.inf`, `-.inf`, `.nan` (any of the three
///   common cases).
public enum YAMLScalarSchema {
    /// True for `~`, `null`, `Null`, `NULL` and the empty text.
    public static func isNull(_ text: String) -> Bool {
        switch text {
        case "", "~", "null", "Null", "NULL": true
        default: false
        }
    }

    /// The boolean `text` spells, or nil.
    public static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": true
        case "false", "False", "FALSE": false
        default: nil
        }
    }

    /// The integer `text` spells (decimal, `0x` hex or `0o` octal, optional sign), or nil (also on overflow).
    public static func int(_ text: String) -> Int? {
        var s = Substring(text)
        var negative = false
        if let first = s.first, first == "-" || first == "+" {
            negative = first == "-"
            s = s.dropFirst()
        }
        var radix = 10
        if s.hasPrefix("0x") {
            radix = 16
            s = s.dropFirst(2)
        } else if s.hasPrefix("0o") {
            radix = 8
            s = s.dropFirst(2)
        }
        guard !s.isEmpty, s.allSatisfy({ $0.isHexDigit && $0.isASCII }) else { return nil }
        guard let magnitude = Int(s, radix: radix) else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// The float `text` spells (integers included), or nil.
    public static func double(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        if let i = int(text) { return Double(i) }
        guard isDecimalFloat(text.utf8) else { return nil }
        return Double(text)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` without a regex engine.
    private static func isDecimalFloat(_ bytes: String.UTF8View) -> Bool {
        var it = Array(bytes)[...]
        func digits() -> Int {
            var n = 0
            while let c = it.first, c >= 0x30 && c <= 0x39 {
                it = it.dropFirst()
                n += 1
            }
            return n
        }
        if let c = it.first, c == UInt8(ascii: "+") || c == UInt8(ascii: "-") { it = it.dropFirst() }
        let whole = digits()
        var fraction = 0
        if it.first == UInt8(ascii: ".") {
            it = it.dropFirst()
            fraction = digits()
        } else if whole == 0 {
            return false
        }
        guard whole > 0 || fraction > 0 else { return false }
        if let c = it.first, c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            it = it.dropFirst()
            if let s = it.first, s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { it = it.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return it.isEmpty
    }
}
