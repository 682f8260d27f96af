import BoxCrypto
import HTTP1

/// Writes compact JSON straight into a byte buffer, with no intermediate `JSONValue` tree: events and log
/// lines are built with it on the hot path. Commas are placed automatically; the caller pairs
/// `beginObject`/`endObject` and calls `key` before each member value.
/// Strings: `"` `\` and control characters are escaped (`\n`-style where JSON has a short form, else
/// `\u00XX`); `/` and non-ASCII are written as is (UTF-8).
public struct JSONWriter: Sendable {
    /// The JSON text written so far.
    public var bytes: [UInt8]
    var needsComma = false

    /// A writer with room for `capacity` bytes before it grows.
    public init(capacity: Int = 1024) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always) mutating func separator() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    public mutating func beginObject() { open(UInt8(ascii: "{")) }

    public mutating func endObject() { close(UInt8(ascii: "}")) }

    public mutating func beginArray() { open(UInt8(ascii: "[")) }

    public mutating func endArray() { close(UInt8(ascii: "]")) }

    @inline(__always) mutating func open(_ bracket: UInt8) {
        separator()
        bytes.append(bracket)
        needsComma = false
    }

    @inline(__always) mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        needsComma = true
    }

    /// `"key":` — the next call writes the member's value.
    public mutating func key(_ key: String) {
        separator()
        appendQuoted(key)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func string(_ value: String) {
        separator()
        appendQuoted(value)
        needsComma = true
    }

    /// A string value, or `null` for nil.
    public mutating func string(orNull value: String?) {
        if let value { string(value) } else { null() }
    }

    /// A string value whose content is the standard base64 of `bytes` (no intermediate String).
    public mutating func base64String(_ raw: [UInt8]) {
        separator()
        bytes.append(UInt8(ascii: "\""))
        Base64.encode(raw, into: &bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    public mutating func int(_ value: Int) {
        separator()
        appendDecimal(value)
        needsComma = true
    }

    /// A number value, written as its literal text.
    public mutating func number(_ value: JSONNumber) { literal(value.text.utf8) }

    public mutating func bool(_ value: Bool) { literal(value ? Self.trueBytes : Self.falseBytes) }

    public mutating func null() { literal(Self.nullBytes) }

    /// A value whose JSON text is `text` as is.
    @inline(__always) mutating func literal<Text: Sequence<UInt8>>(_ text: Text) {
        separator()
        bytes.append(contentsOf: text)
        needsComma = true
    }

    /// Any value, serialized compactly.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let b): bool(b)
        case .number(let n): number(n)
        case .string(let s): string(s)
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        case .object(let object):
            beginObject()
            for member in object.members {
                key(member.key)
                self.value(member.value)
            }
            endObject()
        }
    }

    // MARK: Pieces for event building (a string value written in parts, lower-cased keys)

    /// Opens a string value whose content follows in `appendStringContent` calls.
    public mutating func beginStringValue() {
        separator()
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends escaped content to an open string value.
    public mutating func appendStringContent(_ s: String) {
        // Most strings need no escape: a word-at-a-time scan finds that out, then the content is one bulk copy.
        // An event's strings (a JWT twice among them) come to over a kilobyte per request, and scanned byte by
        // byte they were the writer's main cost (docs/performance.md).
        let span = s.utf8.span
        let clean = Self.lengthNeedingNoEscape(span)
        if clean == span.count {
            bytes.append(contentsOf: s.utf8)
            return
        }
        // The escaped count is known before writing, so the bytes go straight into the array's spare room.
        var escapedCount = span.count
        for i in clean..<span.count where Self.needsEscape(span[i]) {
            escapedCount += Self.escapeLength(span[i]) - 1
        }
        bytes.append(addingCapacity: escapedCount) { out in
            for i in 0..<span.count {
                let b = span[i]
                if Self.needsEscape(b) { Self.writeEscape(b, to: &out) } else { out.append(b) }
            }
        }
    }

    @inline(__always) static func needsEscape(_ b: UInt8) -> Bool {
        b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\")
    }

    /// How long the start of `span` is that needs no escape (eight bytes at a time, HTTP1's `ByteText`).
    static func lengthNeedingNoEscape(_ span: Span<UInt8>) -> Int {
        ByteText.firstIndex(
            in: span, from: 0, to: span.count, below: 0x20, or: UInt8(ascii: "\""), UInt8(ascii: "\\"))
    }

    /// Bytes `writeEscape` writes for a byte that needs an escape: `\n`-style short forms, else `\u00XX`.
    @inline(__always) static func escapeLength(_ b: UInt8) -> Int {
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x0A, 0x0D, 0x09, 0x08, 0x0C: 2
        default: 6
        }
    }

    static func writeEscape(_ b: UInt8, to out: inout OutputSpan<UInt8>) {
        out.append(UInt8(ascii: "\\"))
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(b)
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        default:
            out.append(UInt8(ascii: "u"))
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "0"))
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0x0F)])
        }
    }

    /// Closes a string value opened with `beginStringValue`.
    public mutating func endStringValue() {
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// `"key":` with ASCII letters of `key` lower-cased (HTTP API header names) without a temporary String.
    mutating func keyLowercased(_ key: String) {
        separator()
        bytes.append(UInt8(ascii: "\""))
        for b in key.utf8 {
            appendEscaped((b >= 0x41 && b <= 0x5A) ? b | 0x20 : b)
        }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    static let trueBytes: [UInt8] = Array("true".utf8)
    static let falseBytes: [UInt8] = Array("false".utf8)
    static let nullBytes: [UInt8] = Array("null".utf8)
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends the decimal digits of `value` (inside an open string value, or as a number's text).
    public mutating func appendDecimal(_ value: Int) {
        // In place, as HTTP1 writes Content-Length: `String(value)` cost a conversion and a copy per number.
        if value >= 0 {
            ByteText.appendDecimal(value, to: &bytes)
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    /// A number given in hundredths, written as Swift prints `Double(hundredths) / 100` — `0.41`, `12.5`, `12.0` —
    /// without the double's shortest-digits search (log lines' millisecond figures, docs/performance.md).
    public mutating func hundredths(_ hundredths: Int64) {
        // Below 10^15 every such number prints in plain decimal with at most two fraction digits; beyond, as Swift
        // prints it.
        guard hundredths >= 0, hundredths < 1_000_000_000_000_000 else {
            literal(JSONNumber(Double(hundredths) / 100).map { Array($0.text.utf8) } ?? Self.nullBytes)
            return
        }
        separator()
        ByteText.appendDecimal(Int(hundredths / 100), to: &bytes)
        bytes.append(UInt8(ascii: "."))
        let fraction = Int(hundredths % 100)
        bytes.append(UInt8(ascii: "0") + UInt8(fraction / 10))
        if fraction % 10 != 0 { bytes.append(UInt8(ascii: "0") + UInt8(fraction % 10)) }
        needsComma = true
    }

    mutating func appendQuoted(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        appendStringContent(s)
        bytes.append(UInt8(ascii: "\""))
    }

    @inline(__always) mutating func appendEscaped(_ b: UInt8) {
        guard Self.needsEscape(b) else {
            bytes.append(b)
            return
        }
        bytes.append(addingCapacity: Self.escapeLength(b)) { Self.writeEscape(b, to: &$0) }
    }
}

extension JSONValue {
    /// Compact JSON text as UTF-8 bytes.
    public func serialized() -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.value(self)
        return writer.bytes
    }

    public var jsonString: String { String(decoding: serialized(), as: UTF8.self) }
}
