/// SHA-256 (FIPS 180-4) over OpenSSL's EVP interface.
public enum SHA256 {
    public static let digestCount = 32

    /// The 32-byte digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { hash(rawBuffer: $0) }
    }

    /// The 32-byte digest of the UTF-8 encoding of `string`.
    public static func hash(_ string: String) -> [UInt8] {
        // Measured: copying the UTF-8 out is faster than `withUTF8` on a `var` copy of the string.
        hash(Array(string.utf8))
    }

    /// The 32-byte digest of any byte collection (contiguous storage is hashed in place).
    public static func hash<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        if let digest = bytes.withContiguousStorageIfAvailable({ hash(rawBuffer: UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return hash(Array(bytes))
    }

    /// Lower-case hex of the digest: the form SigV4 and most protocols print.
    public static func hexHash(_ bytes: [UInt8]) -> String {
        Hex.encode(hash(bytes))
    }

    static func hash(rawBuffer: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: digestCount) { out, initialized in
            DigestEngine.shared.digest(rawBuffer, into: out.baseAddress!)
            initialized = digestCount
        }
    }
}
