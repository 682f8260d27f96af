import Glibc
import HTTP1
import Posix
@testable import Reactor
import Testing

/// Slow clients: header, idle and body timeouts (short timeouts, real sockets, real clock).
@Suite(.timeLimit(.minutes(5))) struct ServerTimeoutTests {
    func quickServer(tls: Bool = false, headerTimeout: Duration = .milliseconds(300)) throws -> (HTTPServer, Int) {
        try startServer(tls: tls) { config in
            config.headerTimeout = headerTimeout
            config.idleTimeout = .milliseconds(300)
            config.bodyTimeout = .milliseconds(300)
        }
    }

    @Test(arguments: [false, true])
    func silentClientIsClosedWithoutAResponse(tls: Bool) async throws {
        let (server, port) = try quickServer(tls: tls)
        let clock = ContinuousClock()
        let start = clock.now
        let (bytes, closed) = try await blocking {
            let c = try RawConnection(port: port, tls: tls)
            return c.receive()
        }
        #expect(bytes.isEmpty)
        #expect(closed)
        #expect(clock.now - start >= .milliseconds(250))
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test(arguments: [false, true])
    func partialHeadGets408(tls: Bool) async throws {
        // The header timeout runs from accept, so it covers the TLS handshake and the first bytes: 2 s, so that a
        // loaded machine's handshake cannot use it up before the partial head arrives (the test needs some head).
        let (server, port) = try quickServer(tls: tls, headerTimeout: .seconds(2))
        let text = try await blocking {
            let c = try RawConnection(port: port, tls: tls)
            try c.send("GET / HTTP/1.1\r\nHost: a\r\n")
            return String(decoding: c.receive().bytes, as: UTF8.self)
        }
        #expect(statusLine(text) == "HTTP/1.1 408 Request Timeout")
        #expect(text.hasSuffix("{\"message\":\"Request Timeout\"}"))
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func slowlorisTricklingHeaderBytesStillTimesOut() async throws {
        let (server, port) = try quickServer()
        let text = try await blocking {
            let c = try RawConnection(port: port)
            // One byte every 50 ms: progress does not extend the header deadline.
            for byte in "GET / HTTP/1.1\r\nHost: a\r\nX-Slow: aaaaaaaaaaaaa".utf8 {
                guard (try? c.send([byte])) != nil else { break }
                usleep(50_000)
                if Glibc.recv(c.raw, nil, 0, Int32(MSG_DONTWAIT | MSG_PEEK)) >= 0 { break }
            }
            return String(decoding: c.receive().bytes, as: UTF8.self)
        }
        #expect(statusLine(text) == "HTTP/1.1 408 Request Timeout")
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func stalledBodyGets408() async throws {
        // Only the body timeout is short (a slow connect on a loaded machine must not meet the header timeout).
        let (server, port) = try startServer(tls: false) { config in
            config.headerTimeout = .seconds(30)
            config.bodyTimeout = .milliseconds(300)
        }
        let text = try await blocking {
            let c = try RawConnection(port: port)
            try c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
            return String(decoding: c.receive().bytes, as: UTF8.self)
        }
        #expect(statusLine(text) == "HTTP/1.1 408 Request Timeout")
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func bodyProgressKeepsTheBodyTimerAlive() async throws {
        // A 1 s body timeout and a byte every 300 ms: 700 ms of margin per gap on a loaded machine, and the whole
        // body (1.8 s) still takes longer than the timeout, so only progress can keep the connection alive.
        let (server, port) = try startServer(tls: false) { config in
            config.bodyTimeout = .seconds(1)
        }
        let text = try await blocking {
            let c = try RawConnection(port: port)
            try c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nConnection: close\r\n\r\n")
            for byte in "abcdef".utf8 {
                usleep(300_000)
                try c.send([byte])
            }
            return c.receiveResponse().text
        }
        #expect(statusLine(text) == "HTTP/1.1 200 OK")
        #expect(text.hasSuffix("abcdef"))
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test(arguments: [false, true])
    func idleKeepAliveConnectionIsClosed(tls: Bool) async throws {
        // Only the idle timeout is short: a handshake and first request that take longer than 300 ms on a loaded
        // machine must not meet the header timeout instead (seen in CI: the request's write got EPIPE).
        let (server, port) = try startServer(tls: tls) { config in
            config.headerTimeout = .seconds(30)
            config.idleTimeout = .milliseconds(300)
        }
        let clock = ContinuousClock()
        let (first, rest, elapsed) = try await blocking {
            let c = try RawConnection(port: port, tls: tls)
            try c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            let first = c.receiveResponse().text
            let start = clock.now
            let rest = c.receive()
            return (first, rest, clock.now - start)
        }
        #expect(statusLine(first) == "HTTP/1.1 200 OK")
        // Closed by the server (not the 5 s receive timeout), and not before the idle timeout.
        #expect(rest.bytes.isEmpty && rest.closed)
        #expect(elapsed >= .milliseconds(250))
        await server.shutdown(gracePeriod: .seconds(1))
    }
}
