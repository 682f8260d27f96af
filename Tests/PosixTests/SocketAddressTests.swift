import Posix
import Testing

/// `SocketAddress`'s text forms, which logs, `X-Forwarded-For` and the listener's address read.
@Suite struct SocketAddressTests {
    @Test(arguments: [
        ("127.0.0.1", 8080, "127.0.0.1", "127.0.0.1:8080"),
        ("::1", 443, "::1", "[::1]:443"),
        ("[2001:db8::7]", 9, "2001:db8::7", "[2001:db8::7]:9"),
        ("::ffff:10.0.0.1", 1, "::ffff:10.0.0.1", "[::ffff:10.0.0.1]:1"),
    ])
    func numericAddressesReadBack(host: String, port: Int, ip: String, description: String) throws {
        let address = try #require(SocketAddress(ip: host, port: port))
        #expect(address.ipText == ip)
        #expect(address.port == port)
        #expect(address.description == description)
    }

    @Test func unixAndNonNumericAddresses() throws {
        let unix = try #require(SocketAddress(unixPath: "/tmp/esb-test.sock"))
        #expect(unix.ipText == "unix" && unix.description == "unix" && unix.port == 0)
        #expect(unix.unixPath == "/tmp/esb-test.sock")
        #expect(SocketAddress(ip: "localhost", port: 80) == nil)
    }
}
