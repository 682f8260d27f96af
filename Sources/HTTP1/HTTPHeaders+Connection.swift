extension HTTPHeaders {
    /// Whether `name` describes only the connection it came on (RFC 9110 §7.6.1), which a proxy must not pass on:
    /// `Connection`, `Proxy-Connection`, `Keep-Alive`, `TE`, `Transfer-Encoding`, `Upgrade` and `Trailer`. The
    /// fields a `Connection` header lists are connection-specific too: see `connectionOptions`.
    public static func isHopByHop(_ name: String) -> Bool {
        // By length first: most names a request carries match none of the lengths, or only one name.
        switch name.utf8.count {
        case 2: namesEqual(name, "TE")
        case 7: namesEqual(name, "Upgrade") || namesEqual(name, "Trailer")
        case 10: namesEqual(name, "Connection") || namesEqual(name, "Keep-Alive")
        case 16: namesEqual(name, "Proxy-Connection")
        case 17: namesEqual(name, "Transfer-Encoding")
        default: false
        }
    }

    /// The field names the `Connection` headers list (`Connection: close, X-Hop` → `close`, `X-Hop`), which
    /// RFC 9110 §7.6.1 makes connection-specific; empty without a `Connection` header (the usual request).
    public var connectionOptions: [String] {
        var options: [String] = []
        for field in fields where Self.namesEqual(field.name, "Connection") {
            let bytes = Array(field.value.utf8)
            // The element callback never throws here: `try?` only satisfies the parser's typed signature.
            try? HTTPHeadParser.forEachElement(bytes, 0, bytes.count) { start, end in
                options.append(String(decoding: bytes[start..<end], as: UTF8.self))
            }
        }
        return options
    }
}
