import COpenSSLShims

/// Cryptographically secure random bytes from OpenSSL's DRBG (seeded from the kernel).
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "negative byte count")
        guard count > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            // RAND_bytes fails only when the DRBG cannot be seeded; continuing with weak bytes would be worse.
            precondition(RAND_bytes(out.baseAddress, Int32(count)) == 1, "RAND_bytes failed")
            initialized = count
        }
    }
}
