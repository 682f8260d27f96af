import HTTP1
@testable import Reactor
import Testing

/// `HTTPClient.execute` called from `@Loop`-isolated code: the isolation cast once over-released the loop actor
/// (a crash after a few dozen calls), so this runs many calls back to back on the loop.
@Suite(.timeLimit(.minutes(5))) struct ClientLoopIsolationTests {
    @Test func executeFromLoopIsolatedCodeManyTimes() async throws {
        let (server, port) = try startServer()
        let client = HTTPClient()
        let endpoint = HTTPEndpoint(host: "127.0.0.1", port: port, useTLS: false)
        let answered = try await Self.callFromLoop(client: client, endpoint: endpoint, times: 200)
        #expect(answered == 200)
        // Every call ran on the loop and reused one pooled connection.
        #expect(client.connectionsOpened == 1)
        await server.shutdown(gracePeriod: .seconds(2))
    }

    @Loop static func callFromLoop(client: HTTPClient, endpoint: HTTPEndpoint, times: Int) async throws -> Int {
        var ok = 0
        for i in 0..<times {
            let request = HTTPRequest(method: "POST", target: "/loop?i=\(i)", body: Array("call \(i)".utf8))
            let response = try await client.execute(request, to: endpoint, timeout: .seconds(30))
            if response.status == 200, response.body == Array("call \(i)".utf8) { ok += 1 }
        }
        return ok
    }
}
