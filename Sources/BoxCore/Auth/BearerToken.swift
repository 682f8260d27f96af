/// Extracts the token from an `Authorization` header (docs/contract.md §3.3): `Bearer <jwt>` with the scheme matched
/// case-insensitively, or a bare token without a scheme (accepted for compatibility with the reference).
public enum BearerToken {
    /// The token, or nil when the header is missing, empty, or names another scheme (`Basic ...`, `AWS4-...`).
    public static func parse(authorization: String?) -> String? {
        // On the UTF-8 bytes (this runs for every request with a token): blanks and the scheme are ASCII, and a
        // token with anything else in it fails verification whatever is trimmed here.
        guard let raw = authorization else { return nil }
        let bytes = raw.utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isBlank(bytes[start]) { start = bytes.index(after: start) }
        while start < end, isBlank(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        guard start < end else { return nil }
        guard let space = bytes[start..<end].firstIndex(where: isBlank) else { return String(raw[start..<end]) }
        let scheme = bytes[start..<space]
        guard scheme.count == 6, zip(scheme, bearer).allSatisfy({ ($0 | 0x20) == $1 }) else { return nil }
        var tokenStart = space
        while tokenStart < end, isBlank(bytes[tokenStart]) { tokenStart = bytes.index(after: tokenStart) }
        return tokenStart < end ? String(raw[tokenStart..<end]) : nil
    }

    private static let bearer = Array("bearer".utf8)

    private static func isBlank(_ b: UInt8) -> Bool { b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") }
}
