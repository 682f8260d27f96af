import HTTP1
import Posix
@testable import Reactor
import TLS
import Testing

@Suite(.timeLimit(.minutes(5))) struct ServerClientTests {
    @Test(arguments: [false, true])
    func clientTalksToServerAndReusesTheConnection(tls: Bool) async throws {
        let (server, port) = try startServer(tls: tls)
        let client = HTTPClient(tls: tls ? try Fixtures.verifyingClientTLS() : nil)
        let endpoint = HTTPEndpoint(host: "127.0.0.1", port: port, useTLS: tls)
        var ids: Set<String> = []
        for i in 0..<5 {
            let request = HTTPRequest(method: "POST", target: "/echo?i=\(i)", body: Array("hello \(i)".utf8))
            let response = try await client.execute(request, to: endpoint, timeout: .seconds(30))
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
        let response = try await client.execute(
            HTTPRequest(method: "GET", target: "/x"), to: endpoint, timeout: .seconds(30))
        #expect(response.status == 200)
        #expect(response.headers["X-Peer"] == "unix")
        await server.shutdown(gracePeriod: .seconds(2))
    }
}

@Suite(.timeLimit(.minutes(5))) struct ConcurrencyTests {
    @Test(arguments: [1, 2])
    func manyConcurrentKeepAliveRequestsGetTheirOwnAnswers(loops: Int) async throws {
        let (server, port) = try startServer(tls: true) { $0.loops = loops }
        let client = HTTPClient(maxIdlePerEndpoint: 64, tls: try Fixtures.verifyingClientTLS())
        let endpoint = HTTPEndpoint(host: "127.0.0.1", port: port, useTLS: true)
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<40 {
                group.addTask {
                    var bad = 0
                    for i in 0..<25 {
                        let body =
                            Array("task \(task) request \(i) ".utf8) + [UInt8](repeating: UInt8(i), count: i * 100)
                        let response = try await client.execute(
                            HTTPRequest(method: "POST", target: "/\(task)/\(i)", body: body), to: endpoint,
                            timeout: .seconds(30))
                        if response.body != body || response.headers["X-Target"] != "/\(task)/\(i)" { bad += 1 }
                    }
                    return bad
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(mismatches == 0)
        #expect(client.connectionsOpened <= 40)
        await server.shutdown(gracePeriod: .seconds(2))
    }
}
