/// Random (version 4, RFC 9562) UUIDs in their canonical lower-case text form, as AWS prints request ids.
public enum UUIDv4 {
    /// A new random UUID, e.g. `3f2b8c1e-6a4d-4e1f-9b7a-0c2d4e6f8a1b`.
    public static func string() -> String {
        format(SecureRandom.bytes(16))
    }

    /// Formats 16 bytes as a v4 UUID, forcing the version and variant bits (tests pass fixed bytes).
    public static func format(_ random: [UInt8]) -> String {
        precondition(random.count == 16, "a UUID has 16 bytes")
        var bytes = random
        bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // variant 10xx
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, byte) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            Hex.encode(CollectionOfOne(byte), into: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
