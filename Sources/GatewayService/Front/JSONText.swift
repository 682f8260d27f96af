import BoxCore

/// Minimal JSON text helpers for the gateway's own small bodies (error messages, health, login).
enum JSONText {
    /// `text` as a JSON string literal, quotes included; escaped by BoxCore's `JSONWriter`, the box's one escaper.
    static func quote(_ text: String) -> String {
        var writer = JSONWriter(capacity: text.utf8.count + 2)
        writer.string(text)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
