/// Standard base64 (RFC 4648 §4: `+`, `/`, `=` padding), as API Gateway uses for binary bodies.
public enum Base64 {
    /// `bytes` as padded standard base64 text.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        Base64Codec.standard.encode(bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the padded standard base64 of `bytes` to `out` (for writers that build JSON in place).
    public static func encode(_ bytes: [UInt8], into out: inout [UInt8]) {
        Base64Codec.standard.encode(bytes, into: &out)
    }

    /// The bytes of standard base64 `text` (padding optional), or nil when it is not base64.
    public static func decode(_ text: String) -> [UInt8]? {
        Base64Codec.standard.decode(text.utf8)
    }

    /// The bytes of standard base64 text given as bytes, or nil when it is not base64.
    public static func decode(_ text: [UInt8]) -> [UInt8]? {
        Base64Codec.standard.decode(text)
    }
}

/// URL-safe base64 without padding (RFC 4648 §5, RFC 7515 §2 "base64url"), as JWTs use it.
/// Decoding is strict: `=`, characters of the standard alphabet and non-zero trailing bits are refused.
public enum Base64URL {
    /// `bytes` as unpadded base64url text.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        Base64Codec.url.encode(bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the unpadded base64url of `bytes` to `out`.
    public static func encode(_ bytes: [UInt8], into out: inout [UInt8]) {
        Base64Codec.url.encode(bytes, into: &out)
    }

    /// The bytes of unpadded base64url `text`, or nil when it is not canonical base64url.
    public static func decode(_ text: String) -> [UInt8]? {
        Base64Codec.url.decode(text.utf8)
    }

    /// The bytes of unpadded base64url text given as bytes (e.g. a slice of a token), or nil.
    public static func decode<Text: Collection>(_ text: Text) -> [UInt8]? where Text.Element == UInt8 {
        Base64Codec.url.decode(text)
    }
}
