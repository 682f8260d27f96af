import COpenSSLShims

/// SHA-256 (FIPS 180-4) over OpenSSL's EVP interface.
public enum SHA256 {
    /// Length of a digest in bytes.
    public static let digestCount = 32

    /// The 32-byte digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { hash(rawBuffer: $0) }
    }

    /// The 32-byte digest of the UTF-8 encoding of `string`.
    public static func hash(_ string: String) -> [UInt8] {
        var string = string
        return string.withUTF8 { hash(rawBuffer: UnsafeRawBufferPointer($0)) }
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
            var length: UInt32 = 0
            let ok = EVP_Digest(rawBuffer.baseAddress, rawBuffer.count, out.baseAddress, &length, EVP_sha256(), nil)
            // EVP_Digest fails only on allocation failure inside OpenSSL: nothing sensible to recover.
            precondition(ok == 1 && length == UInt32(digestCount), "EVP_Digest(SHA-256) failed")
            initialized = digestCount
        }
    }
}
