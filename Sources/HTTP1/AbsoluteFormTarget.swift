/// The absolute-form request target (RFC 9112 §3.2.2: `GET https://host/path?q HTTP/1.1`), which a server MUST
/// accept: the parser turns it into origin-form (`/path?q`) and the authority replaces the Host field, so every
/// handler sees the same request as for `GET /path?q` with `Host: host`.
enum AbsoluteFormTarget {
    /// `(originForm, authority)` when `target` is an `http`/`https` absolute URI, else nil. Only called when the
    /// target does not start with `/`, so origin-form requests (the common path) never pay for it.
    static func split(_ target: [UInt8]) -> (originForm: String, authority: String)? {
        // scheme "://" — only http and https name this server's resources.
        var i = 0
        while i < target.count, isSchemeByte(target[i]) { i += 1 }
        let scheme = String(decoding: target[0..<i], as: UTF8.self).lowercased()
        guard scheme == "http" || scheme == "https", target.count >= i + 3,
            target[i] == UInt8(ascii: ":"), target[i + 1] == UInt8(ascii: "/"), target[i + 2] == UInt8(ascii: "/")
        else { return nil }
        let authorityStart = i + 3
        var end = authorityStart
        while end < target.count, target[end] != UInt8(ascii: "/"), target[end] != UInt8(ascii: "?") { end += 1 }
        guard end > authorityStart else { return nil }
        let authority = String(decoding: target[authorityStart..<end], as: UTF8.self)
        // An empty path is "/" (RFC 9110 §4.2.3: `http://host?q` means `/?q`).
        let rest = String(decoding: target[end...], as: UTF8.self)
        return (rest.first == "/" ? rest : "/" + rest, authority)
    }

    private static func isSchemeByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
            || b == UInt8(ascii: ".")
    }
}
