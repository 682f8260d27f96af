/// Extracts the token from an `Authorization` header (docs/contract.md §3.3): `Bearer <jwt>` with the scheme matched
/// case-insensitively, or a bare token without a scheme (accepted for compatibility with the reference).
public enum BearerToken {
    /// The token, or nil when the header is missing, empty, or names another scheme (`Basic ...`, `AWS4-...`).
    public static func parse(authorization: String?) -> String? {
        guard let raw = authorization else { return nil }
        let value = raw.trimmingBlanks()
        guard !value.isEmpty else { return nil }
        guard let space = value.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return String(value) }
        let scheme = value[..<space]
        guard scheme.count == 6, scheme.lowercased() == "bearer" else { return nil }
        let token = value[space...].trimmingBlanks()
        return token.isEmpty ? nil : String(token)
    }
}
