import BoxCrypto
import Testing

/// SHA-256 against FIPS 180-4 / NIST CAVP examples.
@Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
])
func sha256NISTVectors(input: String, expected: String) {
    #expect(Hex.encode(SHA256.hash(Array(input.utf8))) == expected)
    #expect(Hex.encode(SHA256.hash(input)) == expected)
    #expect(SHA256.hexHash(Array(input.utf8)) == expected)
    #expect(Hex.encode(SHA256.hash(input.utf8)) == expected, "non-contiguous collection path")
}

@Test func sha256OfAMillionAs() {
    let digest = SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
    #expect(Hex.encode(digest) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
}

@Test func sha256OfASlice() {
    let bytes = Array("xxabcxx".utf8)
    #expect(Hex.encode(SHA256.hash(bytes[2..<5])) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
}

/// RFC 4231 §4 test cases 1–7 (HMAC-SHA-256 column).
@Test(
    arguments: [
        (
            [UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            [UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
        (
            Array(1...25), [UInt8](repeating: 0xcd, count: 50),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
        ),
        // Case 5 publishes only the first 128 bits; the prefix check below covers it.
        ([UInt8](repeating: 0x0c, count: 20), Array("Test With Truncation".utf8), "a3b6167473100ee06e0c796c2955552b"),
        (
            [UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
        (
            [UInt8](repeating: 0xaa, count: 131),
            Array(
                ("This is a test using a larger than block-size key and a larger than block-size data. The key needs to "
                    + "be hashed before being used by the HMAC algorithm.").utf8),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        ),
    ] as [([UInt8], [UInt8], String)])
func hmacRFC4231(key: [UInt8], data: [UInt8], expected: String) {
    let mac = HMACSHA256.authenticationCode(key: key, message: data)
    #expect(mac.count == 32)
    #expect(Hex.encode(mac).hasPrefix(expected))
    #expect(HMACSHA256.authenticationCode(key: key, message: data[...]) == mac)
    if let text = String(validating: data, as: UTF8.self) {
        #expect(HMACSHA256.authenticationCode(key: key, message: text) == mac)
    }
}

@Test func hmacWithEmptyKeyAndMessage() {
    // Python: hmac.new(b"", b"", hashlib.sha256).hexdigest()
    #expect(
        Hex.encode(HMACSHA256.authenticationCode(key: [], message: [UInt8]()))
            == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
}
