/// Query-string decoding as API Gateway applies it: `+` is a space (form encoding), then `PercentDecoding`'s
/// rules (`%XX` escapes, a stray `%` stays, invalid UTF-8 becomes U+FFFD).
enum QueryDecoding {
    static func decode(_ text: Substring) -> String {
        let utf8 = text.utf8
        guard utf8.contains(UInt8(ascii: "+")) else { return PercentDecoding.decode(utf8) }
        // Plus signs become spaces before escapes are decoded, so an escaped "%2B" still ends up a literal "+".
        return PercentDecoding.decode(utf8.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 })
    }
}
