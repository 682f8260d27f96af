import Foundation
import HTTP1
import Posix
@testable import Reactor
import TLS
import Testing

/// Connection limit, drain, thousands of idle TLS connections, certificate reload, protocol floor.
@Suite(.timeLimit(.minutes(5))) struct ServerLifecycleTests {
    @Test func connectionsOverTheLimitAreClosedAtOnce() async throws {
        let (server, port) = try startServer { $0.maxConnections = 2 }
        // The two held connections are returned so that they stay open until the count is read: closed at the
        // end of the closure, the server could see them go before the check.
        let (held, extra, connections) = try await blocking {
            let a = try RawConnection(port: port), b = try RawConnection(port: port)
            try a.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            try b.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            let held = [a.receiveResponse().text, b.receiveResponse().text]
            let c = try RawConnection(port: port)
            let extra = c.receive()
            return (held, extra, [a, b])
        }
        #expect(held.allSatisfy { statusLine($0) == "HTTP/1.1 200 OK" })
        #expect(extra.bytes.isEmpty && extra.closed)
        #expect(server.activeConnections == 2)
        withExtendedLifetime(connections) {}
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func drainFinishesInFlightClosesIdleAndRefusesNew() async throws {
        let gate = Gate()
        let (server, port) = try startServer { _ in
        } handler: { request, _ in
            if request.target == "/slow" { await gate.wait() }
            return HTTPResponse(status: 200, body: Array(request.target.utf8))
        }
        // An idle keep-alive connection and a request in flight.
        let idle = try await blocking { () -> RawConnection in
            let c = try RawConnection(port: port)
            try c.send("GET /fast HTTP/1.1\r\nHost: a\r\n\r\n")
            _ = c.receiveResponse()
            return c
        }
        let busy = try await blocking { () -> RawConnection in
            let c = try RawConnection(port: port)
            try c.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
            return c
        }
        while await gate.waiting == 0 { await Task.yield() }
        let drained = Task { await server.shutdown(gracePeriod: .seconds(10)) }
        // The idle one is closed without a response; new connections are refused.
        let idleResult = try await blocking { idle.receive() }
        #expect(idleResult.bytes.isEmpty && idleResult.closed)
        #expect(throws: PosixError.self) { _ = try RawConnection(port: port) }
        // The one in flight completes, told to close.
        await gate.open()
        let busyText = try await blocking { busy.receiveResponse() }
        #expect(statusLine(busyText.text) == "HTTP/1.1 200 OK")
        #expect(busyText.text.contains("\r\nConnection: close\r\n"))
        #expect(busyText.text.hasSuffix("/slow"))
        await drained.value
        #expect(server.activeConnections == 0)
    }

    @Test func drainStopsAtTheDeadline() async throws {
        let (server, port) = try startServer { _ in
        } handler: { _, _ in
            try? await Task.sleep(for: .seconds(30))
            return HTTPResponse(status: 200)
        }
        let c = try await blocking { () -> RawConnection in
            let c = try RawConnection(port: port)
            try c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            return c
        }
        try await Task.sleep(for: .milliseconds(50))
        let clock = ContinuousClock()
        let start = clock.now
        await server.shutdown(gracePeriod: .milliseconds(300))
        // The handler would run for 30 s: ending far before that shows the deadline acted (a loose bound for
        // loaded machines; not a latency measurement).
        #expect(clock.now - start < .seconds(20))
        c.close()
    }

    @Test func aThousandIdleTLSConnectionsDoNotStopANewOne() async throws {
        let limit = Signals.raiseFileLimit() ?? 0
        try #require(limit >= 2200, "RLIMIT_NOFILE hard limit too low for this test")
        // Opening 1000 TLS connections can take longer than the default 10 s header timeout on a loaded
        // machine; the first ones would then be closed (silently) before the count is checked.
        let (server, port) = try startServer(tls: true) { $0.headerTimeout = .seconds(120) }
        let idle = try await blocking { () -> [RawConnection] in
            try (0..<1000).map { _ in try RawConnection(port: port, tls: true) }
        }
        #expect(server.activeConnections == 1000)
        let client = HTTPClient(tls: try Fixtures.verifyingClientTLS())
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await client.execute(
            HTTPRequest(method: "GET", target: "/new"), to: HTTPEndpoint(host: "127.0.0.1", port: port, useTLS: true),
            timeout: .seconds(30))
        let elapsed = clock.now - start
        #expect(response.status == 200)
        print("new TLS connection + request next to 1000 idle TLS connections: \(elapsed)")
        for c in idle { c.close() }
        await server.shutdown(gracePeriod: .seconds(2))
    }

    @Test func certificateReloadAppliesToNewConnections() async throws {
        let dir = Fixtures.directory
        let (cert1, key1, cert2, key2) = (dir + "/r1.crt", dir + "/r1.key", dir + "/r2.crt", dir + "/r2.key")
        try SelfSignedCertificate.write(certificatePath: cert1, keyPath: key1)
        try SelfSignedCertificate.write(certificatePath: cert2, keyPath: key2)
        let context = try TLSServerContext(certificatePath: cert1, keyPath: key1)
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(listen: .tcp(host: "127.0.0.1", port: 0), tls: context),
            handler: echoHandler)
        let port = try server.start()
        let endpoint = HTTPEndpoint(host: "localhost", port: port, useTLS: true)
        let trusts1 = HTTPClient(tls: try TLSClientContext(caFile: cert1))
        let trusts2 = HTTPClient(tls: try TLSClientContext(caFile: cert2))
        let get = HTTPRequest(method: "GET", target: "/")
        #expect(try await trusts1.execute(get, to: endpoint, timeout: .seconds(30)).status == 200)
        await #expect(throws: HTTPClientError.self) {
            _ = try await trusts2.execute(get, to: endpoint, timeout: .seconds(30))
        }

        try context.reload(certificatePath: cert2, keyPath: key2)
        #expect(try await trusts2.execute(get, to: endpoint, timeout: .seconds(30)).status == 200)
        // A new connection with the old trust fails; the pooled one made before the reload still works.
        let fresh = HTTPClient(tls: try TLSClientContext(caFile: cert1))
        await #expect {
            _ = try await fresh.execute(get, to: endpoint, timeout: .seconds(30))
        } throws: { error in
            if case .notSent = error as? HTTPClientError { return true }
            return false
        }
        #expect(try await trusts1.execute(get, to: endpoint, timeout: .seconds(30)).status == 200)
        #expect(trusts1.connectionsOpened == 1)
        // A broken reload keeps the current certificate.
        #expect(throws: TLSError.self) { try context.reload(certificatePath: cert1, keyPath: key2) }
        #expect(
            try await HTTPClient(tls: try TLSClientContext(caFile: cert2)).execute(
                get, to: endpoint, timeout: .seconds(30)
            ).status == 200)
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test(arguments: [("-tls1_1", false), ("-tls1", false), ("-tls1_2", true), ("-tls1_3", true)])
    func tlsBelow12IsRefused(flag: String, accepted: Bool) async throws {
        // The real OpenSSL command-line client stands in for old clients. At its default security level it will
        // not even offer TLS 1.0/1.1 (the refusal would then be the client's own): SECLEVEL=0 makes it offer them,
        // so only the server's "protocol version" alert can make the refused cases pass.
        let (server, port) = try startServer(tls: true)
        let output = try await blocking {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = [
                "s_client", "-connect", "127.0.0.1:\(port)", flag, "-alpn", "http/1.1", "-cipher",
                "DEFAULT:@SECLEVEL=0",
            ]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            process.standardInput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        if accepted {
            #expect(output.contains("ALPN protocol: http/1.1"), "\(output)")
            #expect(output.contains("New, TLSv1.\(flag == "-tls1_3" ? 3 : 2), Cipher is"), "\(output)")
        } else {
            #expect(!output.contains("ALPN protocol"), "\(output)")
            #expect(output.contains("Cipher is (NONE)"), "\(output)")
            #expect(output.contains("alert protocol version"), "the server must refuse, not the client: \(output)")
        }
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func curlReadsThe413WhileUploading() async throws {
        // curl is the real client §3.10 names: it must read the 413, not a reset.
        let (server, port) = try startServer(tls: true) { $0.maxBodyBytes = 1024 * 1024 }
        let upload = Fixtures.directory + "/upload.bin"
        _ = FileManager.default.createFile(atPath: upload, contents: Data(count: 4 * 1024 * 1024))
        let output = try await blocking {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            process.arguments = [
                "-sk", "-o", "-", "-w", "\n%{http_code}", "--data-binary", "@\(upload)",
                "-H", "Expect:", "https://127.0.0.1:\(port)/upload",
            ]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            process.waitUntilExit()
            return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        #expect(output == "{\"message\":\"Request Entity Too Large\"}\n413")
        await server.shutdown(gracePeriod: .seconds(1))
    }
}

/// Holds handlers until the test opens it.
actor Gate {
    var waiters: [CheckedContinuation<Void, Never>] = []
    var isOpen = false
    var waiting: Int { waiters.count }

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for w in waiters { w.resume() }
        waiters.removeAll()
    }
}

@Suite(.timeLimit(.minutes(5))) struct SignalWatcherTests {
    @Test func signalsArriveAsAStream() async throws {
        let stream = SignalWatcher.signals([SIGUSR2])
        // The watcher blocks SIGUSR2 on the primary loop's thread; aim the signal at that thread (a
        // process-wide kill would need every thread of this test process to block it, as main.swift does).
        let loop = EventLoopGroup.shared.primary
        // Work on the loop runs in order: once this closure ran, the watcher is set up.
        await withCheckedContinuation { continuation in loop.execute { continuation.resume() } }
        #expect(pthread_kill(loop.thread, SIGUSR2) == 0)
        var iterator = stream.makeAsyncIterator()
        #expect(await iterator.next() == SIGUSR2)
    }
}
