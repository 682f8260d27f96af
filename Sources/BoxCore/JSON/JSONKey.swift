/// A member name known when the code is written, with its JSON text (`"name":`) made once.
///
/// Events and log lines write about 80 fixed keys per proxied request. Through `JSONWriter.key(_: String)` each
/// one is escaped and copied through the String's UTF-8 view (about 300 instructions, most of it the generic
/// copy's setup); a `JSONKey` is one copy of a few bytes (docs/performance.md, "Instructions per request").
public struct JSONKey: Sendable, ExpressibleByStringLiteral {
    /// `"name":` as JSON text.
    let text: [UInt8]

    public init(_ name: String) {
        var writer = JSONWriter(capacity: name.utf8.count + 3)
        writer.key(name)
        text = writer.bytes
    }

    public init(stringLiteral name: String) { self.init(name) }
}

extension JSONWriter {
    /// `"key":` for a key made once — the next call writes the member's value.
    public mutating func key(_ key: JSONKey) {
        separator()
        bytes.append(contentsOf: key.text)
        needsComma = false
    }
}
