/// HMAC-SHA256 (RFC 2104 / RFC 4231) over OpenSSL's SHA-256.
public enum HMACSHA256 {
    /// Length of an authentication code in bytes.
    public static let codeCount = 32

    /// The 32-byte HMAC-SHA256 of `message` under `key` (any key length; long keys are hashed as RFC 2104 says).
    public static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in code(key: k, message: m) }
        }
    }

    /// The HMAC-SHA256 of the UTF-8 bytes of `message` (SigV4 signs strings).
    public static func authenticationCode(key: [UInt8], message: String) -> [UInt8] {
        authenticationCode(key: key, message: Array(message.utf8))
    }

    public static func authenticationCode<Message: Collection>(key: [UInt8], message: Message) -> [UInt8]
    where Message.Element == UInt8 {
        if let mac = message.withContiguousStorageIfAvailable({ m in
            key.withUnsafeBytes { k in code(key: k, message: UnsafeRawBufferPointer(m)) }
        }) {
            return mac
        }
        return authenticationCode(key: key, message: Array(message))
    }

    static func code(key: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: codeCount) { out, initialized in
            DigestEngine.shared.hmac(key: key, message: message, into: out.baseAddress!)
            initialized = codeCount
        }
    }
}
