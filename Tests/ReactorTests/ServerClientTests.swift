import HTTP1
import Posix
@testable import Reactor
import TLS
import Testing

@Suite struct ServerClientTests {
    @Test(arguments: [false, true])
    func clientTalksToServerAndReusesTheConnection(tls: Bool) async throws {
        let (server, port) = try startServer(tls: tls)
        let client = HTTPClient(tls: tls ? try Fixtures.verifyingClientTLS() : nil)
        let endpoint = HTTPEndpoint(host: "127.0.0.1", port: port, useTLS: tls)
        var ids: Set<String> = []
        for i in 0..<5 {
            let request = HTTPRequest(method: "POST", target: "/echo?i=\(i)", body: Array("hello \(i)".utf8))
            let response = try await client.execute(request, to: endpoint, timeout: .seconds(5))
            #expect(response.status == 200)
            #expect(response.body == Array("hello \(i)".utf8))
            #expect(response.headers["X-Target"] == "/echo?i=\(i)")
            #expect(response.headers["X-TLS"] == (tls ? "1" : "0"))
            #expect(response.headers["X-Peer"] == "127.0.0.1")
            ids.insert(response.headers["X-Connection-Id"] ?? "")
        }
        #expect(ids.count == 1, "keep-alive: one server connection")
        #expect(client.connectionsOpened == 1)
        #expect(client.idleConnections(to: endpoint) == 1)
        await server.shutdown(gracePeriod: .seconds(2))
    }

    @Test func unixSocketServerAndClient() async throws {
        let path = Fixtures.socketPath("unix")
        let (server, port) = try startServer(listen: .unix(path: path))
        #expect(port == 0)
        let client = HTTPClient()
        let endpoint = try #require(HTTPEndpoint.parse("unix://\(path)"))
        let response = try await client.execute(HTTPRequest(method: "GET", target: "/x"), to: endpoint, timeout: .seconds(5))
        #expect(response.status == 200)
        #expect(response.headers["X-Peer"] == "unix")
        await server.shutdown(gracePeriod: .seconds(2))
    }
}
