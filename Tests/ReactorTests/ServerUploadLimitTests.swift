import Glibc
import HTTP1
import Posix
@testable import Reactor
import Synchronization
import Testing

/// Uploads that cost memory before anyone knows who sends them (docs/network-runtime.md, "Request bodies"): the
/// head gate answers before a byte of the body is read, the in-flight body budget answers 503 past its total, and
/// a body that falls below the minimum rate gets 408. Real sockets, plain and TLS.
@Suite struct ServerUploadLimitTests {
    /// A gate that refuses requests without `X-Token: ok`, counting what reaches the handler.
    static func gatedServer(tls: Bool, handled: HandledCount) throws -> (HTTPServer, Int) {
        try startServer(tls: tls) { config in
            config.headGate = { head, _ in
                head.headers["X-Token"] == "ok" ? .admit(note: nil) : .refuse(HTTPStatus.errorResponse(401))
            }
        } handler: { request, info in
            handled.value.add(1, ordering: .relaxed)
            return await echoHandler(request, info)
        }
    }

    @Test(arguments: [false, true])
    func anUnauthenticatedUploadIsRefusedFromItsHeadWithoutWaitingForTheBody(tls: Bool) async throws {
        let handled = HandledCount()
        let (server, port) = try Self.gatedServer(tls: tls, handled: handled)
        // 6,000,000 bytes declared, 1 KiB sent: the answer must come without the body (the old server waited
        // for the rest until the body timeout, holding what arrived).
        let text = try await blocking {
            let c = try RawConnection(port: port, tls: tls)
            try c.send(
                "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 6000000\r\n\r\n"
                    + String(repeating: "x", count: 1024))
            return c.receiveResponse().text
        }
        #expect(statusLine(text) == "HTTP/1.1 401 Unauthorized")
        #expect(text.lowercased().contains("connection: close"))
        #expect(handled.value.load(ordering: .relaxed) == 0)
        #expect(server.bodyBytesInFlight == 0)
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func anUnauthenticatedExpectContinueNeverGets100() async throws {
        let handled = HandledCount()
        let (server, port) = try Self.gatedServer(tls: false, handled: handled)
        let text = try await blocking {
            let c = try RawConnection(port: port)
            try c.send("PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n")
            return c.receiveResponse().text
        }
        #expect(statusLine(text) == "HTTP/1.1 401 Unauthorized")
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func theGateLetsAuthenticatedAndBodylessRequestsThrough() async throws {
        let handled = HandledCount()
        let (server, port) = try Self.gatedServer(tls: false, handled: handled)
        let (upload, bodyless) = try await blocking {
            let c = try RawConnection(port: port)
            try c.send("POST /u HTTP/1.1\r\nHost: a\r\nX-Token: ok\r\nContent-Length: 5\r\n\r\nhello")
            let first = c.receiveResponse().text
            try c.send("GET /g HTTP/1.1\r\nHost: a\r\n\r\n")  // no body: the handler decides
            return (first, c.receiveResponse().text)
        }
        #expect(statusLine(upload) == "HTTP/1.1 200 OK" && upload.hasSuffix("hello"))
        #expect(statusLine(bodyless) == "HTTP/1.1 200 OK")
        #expect(handled.value.load(ordering: .relaxed) == 2)
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func bodiesInFlightAreHeldToTheBudget() async throws {
        let (server, port) = try startServer { config in
            config.maxInflightBodyBytes = 128 * 1024
            config.bodyTimeout = .seconds(20)
        }
        // A first client holds 80 KiB of a 100 KiB body; a second one pushing 56 KiB passes the 128 KiB budget.
        let holder = try await blocking {
            let c = try RawConnection(port: port)
            try c.send(
                "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 102400\r\n\r\n"
                    + String(repeating: "a", count: 80 * 1024))
            return c
        }
        try await waitUntil { server.bodyBytesInFlight == 80 * 1024 }
        let refused = try await blocking {
            let c = try RawConnection(port: port)
            try c.send(
                "POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 60000\r\n\r\n"
                    + String(repeating: "b", count: 56 * 1024))
            return c.receiveResponse().text
        }
        #expect(statusLine(refused) == "HTTP/1.1 503 Service Unavailable")
        #expect(refused.contains("Retry-After: 1"))
        #expect(server.bodyBytesInFlight == 80 * 1024)
        // The first body completes and is handed over: its bytes leave the budget.
        let done = try await blocking {
            try holder.send(String(repeating: "a", count: 20 * 1024))
            return holder.receiveResponse().text
        }
        #expect(statusLine(done) == "HTTP/1.1 200 OK")
        try await waitUntil { server.bodyBytesInFlight == 0 }
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test(arguments: [false, true])
    func aBodyBelowTheMinimumRateGets408(chunked: Bool) async throws {
        let (server, port) = try startServer { config in
            config.bodyTimeout = .seconds(30)  // never reached: the rate decides
            config.minBodyRate = 1024
            config.minBodyRateGrace = .milliseconds(300)
        }
        // One byte at a time, well apart: each byte is progress (the body timeout alone would wait forever).
        let text = try await blocking {
            let c = try RawConnection(port: port)
            let head =
                chunked
                ? "POST /s HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n"
                : "POST /s HTTP/1.1\r\nHost: a\r\nContent-Length: 4096\r\n\r\n"
            try c.send(head)
            for _ in 0..<200 {
                guard (try? c.send("x")) != nil else { break }
                usleep(100_000)
                if Glibc.recv(c.raw, nil, 0, Int32(MSG_DONTWAIT | MSG_PEEK)) >= 0 { break }
            }
            return c.receiveResponse().text
        }
        #expect(statusLine(text) == "HTTP/1.1 408 Request Timeout")
        #expect(server.bodyBytesInFlight == 0)
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func aFastBodyIsNotCutByTheRate() async throws {
        let (server, port) = try startServer { config in
            config.minBodyRate = 1024
            // A grace far longer than the pause below: on a loaded machine a 100 ms sleep can last 200 ms.
            config.minBodyRateGrace = .seconds(2)
        }
        let text = try await blocking {
            let c = try RawConnection(port: port)
            try c.send("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 3000\r\n\r\n")
            usleep(100_000)  // inside the grace period
            try c.send(String(repeating: "f", count: 3000))
            return c.receiveResponse().text
        }
        #expect(statusLine(text) == "HTTP/1.1 200 OK")
        await server.shutdown(gracePeriod: .seconds(1))
    }
}

/// How many requests reached the handler.
final class HandledCount: Sendable {
    let value = Atomic<Int>(0)
}

/// Polls `condition` (a server counter another thread updates) for up to 10 s.
func waitUntil(_ condition: @Sendable () -> Bool) async throws {
    for _ in 0..<1000 {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("condition not reached within 10 s")
}
