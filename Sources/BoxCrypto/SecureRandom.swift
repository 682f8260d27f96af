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

    /// `SecureRandom` as a `RandomNumberGenerator`: each draw comes from OpenSSL's DRBG in this process, so ids made
    /// per request cost no system call (the standard library's generator makes one `getrandom` per draw;
    /// docs/performance.md, "System calls").
    public struct Generator: RandomNumberGenerator, Sendable {
        public init() {}

        public mutating func next() -> UInt64 {
            var value: UInt64 = 0
            withUnsafeMutableBytes(of: &value) { raw in
                precondition(RAND_bytes(raw.baseAddress, 8) == 1, "RAND_bytes failed")
            }
            return value
        }
    }
}
