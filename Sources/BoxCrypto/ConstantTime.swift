import COpenSSLShims

/// True when `a` and `b` hold the same bytes. The time taken depends only on the lengths, never on where the
/// first difference is (OpenSSL's `CRYPTO_memcmp`), so it is safe for secrets, MACs and API keys.
/// Unequal lengths return false at once: lengths are not secret here (MACs have a fixed size, and a caller
/// comparing secrets of different lengths learns only that).
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    guard !a.isEmpty else { return true }
    return a.withUnsafeBytes { x in
        b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, x.count) == 0 }
    }
}

/// Constant-time comparison of the UTF-8 bytes of two strings (API keys, passwords, tokens).
public func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    constantTimeEquals(Array(a.utf8), Array(b.utf8))
}
