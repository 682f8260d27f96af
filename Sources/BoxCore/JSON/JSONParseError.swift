/// Why a JSON text was refused, and the byte offset (from 0) where the parser noticed.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: Sendable, Equatable {
        /// The text ended inside a value (or was empty).
        case unexpectedEnd
        /// A byte that cannot start or continue a value here.
        case unexpectedByte(UInt8)
        /// A malformed number (`01`, `1.`, `-`, `1e`).
        case invalidNumber
        /// A backslash escape that JSON does not define, or a `\u` without four hex digits.
        case invalidEscape
        /// A `\u` escape of a lone surrogate (a high one without its low partner, or a low one alone).
        case invalidSurrogate
        /// A raw control character (U+0000–U+001F) inside a string.
        case controlCharacterInString
        /// Bytes inside a string that are not valid UTF-8.
        case invalidUTF8
        /// More nested arrays/objects than the limit allows.
        case depthLimitExceeded
        /// Something other than whitespace after the top-level value.
        case trailingData
    }

    public var reason: Reason
    public var offset: Int

    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    /// E.g. `invalid JSON at byte 12: unexpected byte '}'`.
    public var description: String { "invalid JSON at byte \(offset): \(detail)" }

    private var detail: String {
        switch reason {
        case .unexpectedEnd: "unexpected end of input"
        case .unexpectedByte(let b) where (0x21...0x7E).contains(b): "unexpected byte '\(String(UnicodeScalar(b)))'"
        case .unexpectedByte(let b): "unexpected byte 0x\(String(b, radix: 16))"
        case .invalidNumber: "invalid number"
        case .invalidEscape: "invalid escape sequence"
        case .invalidSurrogate: "unpaired UTF-16 surrogate in \\u escape"
        case .controlCharacterInString: "unescaped control character in string"
        case .invalidUTF8: "invalid UTF-8"
        case .depthLimitExceeded: "nesting too deep"
        case .trailingData: "data after the JSON value"
        }
    }
}
