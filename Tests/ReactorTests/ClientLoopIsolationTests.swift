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

    /// docs/architecture.md, "Concurrency model": a task that prefers its loop's task executor (as every server
    /// connection does) waits on sockets and resumes on that loop; nothing hops through the global pool.
    /// The calls run on a loop of their own so that other suites' work cannot add to its count.
    @Test(arguments: [false, true]) func aCallSuspendsAndResumesOnItsLoopWithoutVisitingAnotherThread(tls: Bool)
        async throws
    {
        let (server, port) = try startServer(tls: tls)
        let client = HTTPClient(tls: tls ? try Fixtures.verifyingClientTLS() : nil)
        let endpoint = HTTPEndpoint(host: tls ? "localhost" : "127.0.0.1", port: port, useTLS: tls)
        let loop = try EventLoop(index: 90 + (tls ? 1 : 0))
        defer { loop.stop() }
        let calls = 200
        let hopsWithout = try await Self.hops(on: loop) {
            try await Task { try await Self.call(on: loop.actor, client, endpoint, times: calls) }.value
        }
        let hopsWith = try await Self.hops(on: loop) {
            try await Task(executorPreference: loop.taskExecutor) {
                try await Self.call(on: loop.actor, client, endpoint, times: calls)
            }.value
        }
        print(
            "\(calls) calls over \(tls ? "TLS" : "TCP"): \(hopsWithout) hops onto the loop without the preference, \(hopsWith) with it"
        )
        // With the preference only starting the task hops; without it each socket wait resumes through the pool.
        #expect(hopsWith <= 2, "\(hopsWith) hops onto the loop for \(calls) calls")
        await server.shutdown(gracePeriod: .seconds(2))
    }

    static func hops(on loop: EventLoop, _ body: () async throws -> Int) async throws -> Int {
        let before = loop.jobsEnqueuedFromOtherThreads
        let answered = try await body()
        #expect(answered == 200)
        return loop.jobsEnqueuedFromOtherThreads - before
    }

    static func call(on loop: isolated Loop, _ client: HTTPClient, _ endpoint: HTTPEndpoint, times: Int) async throws
        -> Int
    {
        var ok = 0
        for i in 0..<times {
            let request = HTTPRequest(method: "POST", target: "/loop?i=\(i)", body: Array("call \(i)".utf8))
            let response: HTTPResponse
            do { response = try await client.execute(request, to: endpoint, timeout: .seconds(5)) } catch {
                print("call \(i) failed: \(error), opened \(client.connectionsOpened)")
                throw error
            }
            if response.status == 200, response.body == Array("call \(i)".utf8) { ok += 1 }
        }
        return ok
    }
}
