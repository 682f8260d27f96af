import BoxCrypto
import Testing

/// RFC 4648 §10 test vectors.
@Test(arguments: [
    ("", "", ""), ("f", "Zg==", "Zg"), ("fo", "Zm8=", "Zm8"), ("foo", "Zm9v", "Zm9v"),
    ("foob", "Zm9vYg==", "Zm9vYg"), ("fooba", "Zm9vYmE=", "Zm9vYmE"), ("foobar", "Zm9vYmFy", "Zm9vYmFy"),
])
func base64RFC4648(plain: String, standard: String, url: String) {
    let bytes = Array(plain.utf8)
    #expect(Base64.encode(bytes) == standard)
    #expect(Base64.decode(standard) == bytes)
    #expect(Base64.decode(url) == bytes, "standard decoding accepts missing padding")
    #expect(Base64URL.encode(bytes) == url)
    #expect(Base64URL.decode(url) == bytes)
}

@Test func base64AlphabetsDiffer() {
    let bytes: [UInt8] = [0xfb, 0xff, 0xbf]
    #expect(Base64.encode(bytes) == "+/+/")
    #expect(Base64URL.encode(bytes) == "-_-_")
    #expect(Base64URL.decode("-_-_") == bytes)
    #expect(Base64URL.decode("+/+/") == nil)
    #expect(Base64.decode("-_-_") == nil)
}

@Test func base64RoundTripsEveryLength() {
    for n in 0..<70 {
        let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
    }
}

@Test(arguments: [
    "Z", "Zg=", "Zg===", "Z===", "Zm9v=", "Zg==Zg==", "Zm 9v", "Zm9v\n", "Zm*v", "=", "Zg=a",
])
func base64RejectsMalformed(text: String) {
    #expect(Base64.decode(text) == nil)
}

@Test(arguments: [
    "Zg==",  // padding is refused in base64url
    "Zh",  // non-zero trailing bits: "Zg" is the only encoding of "f"
    "Zm9", "Zm/v", "Z",
])
func base64URLIsStrict(text: String) {
    #expect(Base64URL.decode(text) == nil)
}

@Test func hexEncodeDecode() {
    #expect(Hex.encode([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
    #expect(Hex.decode("000FA5ff") == [0x00, 0x0f, 0xa5, 0xff])
    #expect(Hex.decode("abc") == nil)
    #expect(Hex.decode("zz") == nil)
    var out: [UInt8] = Array("x=".utf8)
    Hex.encode([0xde, 0xad], into: &out)
    #expect(String(decoding: out, as: UTF8.self) == "x=dead")
}

@Test func constantTimeComparison() {
    #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
    #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
    #expect(!constantTimeEquals([1, 2, 3], [1, 2]))
    #expect(constantTimeEquals([UInt8](), []))
    #expect(constantTimeEquals("s3cret", "s3cret"))
    #expect(!constantTimeEquals("s3cret", "s3creT"))
    #expect(!constantTimeEquals("", "x"))
}

@Test func secureRandomBytes() {
    #expect(SecureRandom.bytes(0).isEmpty)
    let a = SecureRandom.bytes(32), b = SecureRandom.bytes(32)
    #expect(a.count == 32 && b.count == 32)
    #expect(a != b, "two 256-bit draws collide with probability 2^-256")
}

@Test func uuidV4Shape() {
    let fixed = UUIDv4.format([UInt8](repeating: 0xff, count: 16))
    #expect(fixed == "ffffffff-ffff-4fff-bfff-ffffffffffff")
    #expect(UUIDv4.format([UInt8](repeating: 0, count: 16)) == "00000000-0000-4000-8000-000000000000")
    var seen = Set<String>()
    for _ in 0..<100 {
        let id = UUIDv4.string()
        let chars = Array(id)
        #expect(chars.count == 36)
        #expect(chars[8] == "-" && chars[13] == "-" && chars[18] == "-" && chars[23] == "-")
        #expect(chars[14] == "4")
        #expect("89ab".contains(chars[19]))
        #expect(id == id.lowercased())
        seen.insert(id)
    }
    #expect(seen.count == 100)
}
