import HTTP1
import Posix
@testable import Reactor
import Testing

/// Protocol behaviour of the server over real loopback sockets, plain and TLS.
@Suite(.timeLimit(.minutes(5))) struct ServerProtocolTests {
    static let rejections: [(String, Int)] = [
        ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n folded\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400),
        ("GET / HTTP/1.1\nHost: a\n\n", 400),
        (
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            400
        ),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3 \r\nabc\r\n0\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "a", count: 17_000) + "\r\n\r\n", 431),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2000\r\n\r\n", 413),
        (
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n"
                + String(repeating: "x", count: 1000)
                + "\r\n3e8\r\n", 413
        ),
        ("GET / HTTP/3.0\r\nHost: a\r\n\r\n", 505),
    ]

    @Test(arguments: [false, true])
    func everyRejectionIsAnsweredWithTheExactBodyAndClosed(tls: Bool) async throws {
        let (server, port) = try startServer(tls: tls) { config in
            config.maxBodyBytes = 1500
            config.decorateProtocolError = { _ in ["X-Request-Id": "decorated"] }
        }
        for (request, status) in Self.rejections {
            let (text, closed) = try await blocking {
                let c = try RawConnection(port: port, tls: tls)
                try c.send(request)
                let r = c.receive()
                return (String(decoding: r.bytes, as: UTF8.self), r.closed)
            }
            let message = HTTPStatus.errorMessage(status)
            #expect(
                statusLine(text) == "HTTP/1.1 \(status) \(HTTPStatus.reasonPhrase(status))",
                "\(request.prefix(60).debugDescription)")
            #expect(text.hasSuffix("\r\n\r\n{\"message\":\"\(message)\"}"))
            #expect(text.contains("\r\nContent-Type: application/json\r\n"))
            #expect(text.contains("\r\nConnection: close\r\n"))
            #expect(text.contains("\r\nX-Request-Id: decorated\r\n"))
            #expect(closed, "connection closed after \(status)")
        }
        await server.shutdown(gracePeriod: .seconds(2))
    }

    @Test func bodyOverTheLimitIs413WhileTheClientIsStillUploading() async throws {
        let (server, port) = try startServer { $0.maxBodyBytes = 64 * 1024 }
        let (text, closed) = try await blocking {
            let c = try RawConnection(port: port)
            try c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\n\r\n")
            // Keep uploading after the 413 went out: the server reads and discards, no reset.
            let chunk = [UInt8](repeating: 0x61, count: 16 * 1024)
            for _ in 0..<8 { try c.send(chunk) }
            let r = c.receive()
            return (String(decoding: r.bytes, as: UTF8.self), r.closed)
        }
        #expect(statusLine(text) == "HTTP/1.1 413 Content Too Large")
        #expect(text.hasSuffix("{\"message\":\"Request Entity Too Large\"}"))
        #expect(closed)
        await server.shutdown(gracePeriod: .seconds(2))
    }

    @Test func expectContinueGetsA100ThenTheResponse() async throws {
        let (server, port) = try startServer { $0.maxBodyBytes = 100 }
        let (interim, final, rejected) = try await blocking {
            let c = try RawConnection(port: port)
            try c.send("POST /e HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            let interim = String(decoding: c.receive(until: { $0.count >= 25 }).bytes, as: UTF8.self)
            try c.send("hello")
            let final = c.receiveResponse().text
            // Over the limit: 413 at once, no 100.
            let d = try RawConnection(port: port)
            try d.send("POST /e HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 500\r\n\r\n")
            return (interim, final, d.receive().bytes)
        }
        #expect(interim == "HTTP/1.1 100 Continue\r\n\r\n")
        #expect(statusLine(final) == "HTTP/1.1 200 OK")
        #expect(final.hasSuffix("hello"))
        #expect(statusLine(String(decoding: rejected, as: UTF8.self)) == "HTTP/1.1 413 Content Too Large")
        await server.shutdown(gracePeriod: .seconds(2))
    }

    @Test(arguments: [
        ("GET / HTTP/1.0\r\n\r\n", false, "Connection: close"),
        ("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true, "Connection: keep-alive"),
        ("GET / HTTP/1.1\r\nHost: a\r\n\r\n", true, nil),
        ("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", false, "Connection: close"),
    ])
    func keepAliveFollowsHTTP10And11Rules(request: String, staysOpen: Bool, header: String?) async throws {
        let (server, port) = try startServer(tls: true)
        let (first, second, closed) = try await blocking {
            let c = try RawConnection(port: port, tls: true)
            try c.send(request)
            let first = c.receiveResponse()
            guard !first.closed else { return (first.text, "", true) }
            if (try? c.send(request)) == nil { return (first.text, "", true) }
            let second = c.receiveResponse()
            return (first.text, second.text, second.closed)
        }
        #expect(statusLine(first) == "HTTP/1.1 200 OK")
        if let header { #expect(first.contains("\r\n\(header)\r\n")) }
        if staysOpen {
            #expect(statusLine(second) == "HTTP/1.1 200 OK")
        } else {
            #expect(second.isEmpty && closed)
        }
        await server.shutdown(gracePeriod: .seconds(2))
    }

    @Test(arguments: [false, true])
    func pipelinedRequestsAreAnsweredInOrder(tls: Bool) async throws {
        let (server, port) = try startServer(tls: tls)
        let text = try await blocking {
            let c = try RawConnection(port: port, tls: tls)
            try c.send(
                "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                    + "POST /3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n"
                    + "HEAD /4 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            return String(decoding: c.receive().bytes, as: UTF8.self)
        }
        let targets = text.split(separator: "\r\n").filter { $0.hasPrefix("X-Target: ") }
        #expect(targets == ["X-Target: /1", "X-Target: /2", "X-Target: /3", "X-Target: /4"])
        #expect(text.contains("\r\n\r\nabcHTTP/1.1 200 OK"))
        #expect(text.contains("\r\n\r\nxyHTTP/1.1 200 OK"))
        #expect(text.hasSuffix("Content-Length: 0\r\nConnection: close\r\n\r\n"))
        await server.shutdown(gracePeriod: .seconds(2))
    }

    @Test func headRequestsGetLengthButNoBody() async throws {
        let (server, port) = try startServer { _ in
        } handler: { _, _ in
            HTTPResponse(status: 200, body: Array("12345".utf8))
        }
        let text = try await blocking {
            let c = try RawConnection(port: port)
            try c.send("HEAD / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            return String(decoding: c.receive().bytes, as: UTF8.self)
        }
        #expect(text.components(separatedBy: "Content-Length: 5\r\n").count == 3)
        #expect(text.hasSuffix("\r\n\r\n12345"))
        #expect(!text.contains("12345HTTP"))
        await server.shutdown(gracePeriod: .seconds(2))
    }
}
