import Glibc
import HTTP1
import Posix
@testable import Reactor
import Synchronization
import Testing

/// A blocking loopback server that plays scripted peers (an RIE that answers in odd framings, dies
/// after reading, or never answers): the faults a real peer cannot be made to produce on cue.
final class ScriptedPeer: Sendable {
    let port: Int
    let listener: Int32
    let accepted = Atomic<Int>(0)

    /// `script` runs once per accepted connection with a blocking descriptor.
    init(_ script: @escaping @Sendable (Int32) -> Void) throws {
        let fd = try Socket.listen(on: SocketAddress(ip: "127.0.0.1", port: 0)!)
        port = try Socket.localAddress(fd).port
        try fd.setNonBlocking(false)
        listener = fd.release()
        let listener = self.listener
        let counter = self
        Thread.detach {
            while true {
                let c = accept(listener, nil, nil)
                if c < 0 {
                    // Only this thread closes the listener: closed from stop(), its number could be reused by a
                    // new socket before this accept() runs, and this thread would serve someone else's listener.
                    close(listener)
                    return
                }
                counter.accepted.add(1, ordering: .relaxed)
                Thread.detach {
                    script(c)
                    close(c)
                }
            }
        }
    }

    func stop() { shutdown(listener, Int32(SHUT_RDWR)) }  // the accept thread closes it

    /// Reads until the end of a request head (and `extra` bytes of body).
    static func readRequest(_ fd: Int32, body: Int = 0) -> String {
        var data: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1 {
            data.append(byte)
            if data.count >= 4, Array(data.suffix(4)) == Array("\r\n\r\n".utf8) { break }
        }
        for _ in 0..<body where read(fd, &byte, 1) == 1 { data.append(byte) }
        return String(decoding: data, as: UTF8.self)
    }

    static func write(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}

/// Plain threads for the scripted peers (they block).
enum Thread {
    static func detach(_ body: @escaping @Sendable () -> Void) {
        final class Box { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
        var thread = pthread_t()
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        pthread_create(
            &thread, nil,
            { raw in
                Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
                return nil
            }, box)
        pthread_detach(thread)
    }
}

@Suite(.timeLimit(.minutes(5))) struct ClientTests {
    let get = HTTPRequest(method: "GET", target: "/")
    let post = HTTPRequest(method: "POST", target: "/2015-03-31/functions/function/invocations", body: Array("{}".utf8))

    @Test func connectionRefusedIsNotSent() async throws {
        let fd = try Socket.listen(on: SocketAddress(ip: "127.0.0.1", port: 0)!)
        let port = try Socket.localAddress(fd).port
        fd.close()
        let client = HTTPClient()
        await #expect {
            _ = try await client.execute(post, to: HTTPEndpoint(host: "127.0.0.1", port: port), timeout: .seconds(30))
        } throws: { error in
            guard case .notSent(let why) = error as? HTTPClientError else { return false }
            return why.contains("refused")
        }
        await #expect(throws: HTTPClientError.self) {
            _ = try await client.execute(
                post, to: HTTPEndpoint(unixPath: Fixtures.directory + "/missing.sock"), timeout: .seconds(1))
        }
    }

    @Test func peerThatReadsAndDiesIsSentThenFailed() async throws {
        let peer = try ScriptedPeer { fd in _ = ScriptedPeer.readRequest(fd, body: 2) }
        defer { peer.stop() }
        let client = HTTPClient()
        await #expect {
            _ = try await client.execute(
                post, to: HTTPEndpoint(host: "127.0.0.1", port: peer.port), timeout: .seconds(30))
        } throws: { error in
            guard case .sentThenFailed = error as? HTTPClientError else { return false }
            return (error as! HTTPClientError).mayHaveBeenSent
        }
    }

    @Test func peerThatNeverAnswersIsTimedOutAfterSending() async throws {
        let peer = try ScriptedPeer { fd in
            _ = ScriptedPeer.readRequest(fd, body: 2)
            usleep(60_000_000)
        }
        defer { peer.stop() }
        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: HTTPClientError.timedOut(sent: true)) {
            _ = try await HTTPClient().execute(
                post, to: HTTPEndpoint(host: "127.0.0.1", port: peer.port), timeout: .milliseconds(200))
        }
        // The peer would answer after 60 s: ending well before that shows the 200 ms timeout acted (the bound is
        // loose because CI machines are loaded; this is not a latency measurement).
        #expect(clock.now - start < .seconds(30))
    }

    @Test(arguments: [
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
            "hello world", true
        ),
        ("HTTP/1.1 200 OK\r\n\r\nuntil close", "until close", false),
        ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", "ok", true),
        ("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nold", "old", false),
    ])
    func responseFramings(script: String, body: String, reusable: Bool) async throws {
        let peer = try ScriptedPeer { fd in
            _ = ScriptedPeer.readRequest(fd, body: 2)
            ScriptedPeer.write(fd, script)
            if !reusable { return }
            // Open well past the test (the thread is detached; stop() does not wait for it): closed after 500 ms,
            // a loaded machine reached the pool check after the close, which rightly dropped the connection.
            usleep(10_000_000)
        }
        defer { peer.stop() }
        let client = HTTPClient()
        let endpoint = HTTPEndpoint(host: "127.0.0.1", port: peer.port)
        let response = try await client.execute(post, to: endpoint, timeout: .seconds(30))
        #expect(String(decoding: response.body, as: UTF8.self) == body)
        #expect(client.idleConnections(to: endpoint) == (reusable ? 1 : 0))
    }

    /// A drained plain socket waits for its next edge before reading (docs/network-runtime.md, "Readiness"):
    /// bytes and FINs that come later, in pieces, after pauses, on a reused connection, are all read.
    @Test func piecesAfterPausesAndALateCloseAreReadOnAReusedConnection() async throws {
        let peer = try ScriptedPeer { fd in
            _ = ScriptedPeer.readRequest(fd, body: 2)
            ScriptedPeer.write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n")
            usleep(50_000)
            ScriptedPeer.write(fd, "hello")
            usleep(50_000)
            ScriptedPeer.write(fd, " world")
            _ = ScriptedPeer.readRequest(fd, body: 2)
            ScriptedPeer.write(fd, "HTTP/1.1 200 OK\r\n\r\nuntil")
            usleep(50_000)
            ScriptedPeer.write(fd, " close")
            usleep(50_000)
        }
        defer { peer.stop() }
        let client = HTTPClient()
        let endpoint = HTTPEndpoint(host: "127.0.0.1", port: peer.port)
        let first = try await client.execute(post, to: endpoint, timeout: .seconds(30))
        #expect(String(decoding: first.body, as: UTF8.self) == "hello world")
        let second = try await client.execute(post, to: endpoint, timeout: .seconds(30))
        #expect(String(decoding: second.body, as: UTF8.self) == "until close")
        #expect(client.connectionsOpened == 1)
    }

    @Test func deadPooledConnectionIsDiscardedBeforeReuse() async throws {
        // The peer answers once with keep-alive, then closes (like a server's idle timeout).
        let peer = try ScriptedPeer { fd in
            _ = ScriptedPeer.readRequest(fd)
            ScriptedPeer.write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na")
        }
        defer { peer.stop() }
        let client = HTTPClient()
        let endpoint = HTTPEndpoint(host: "127.0.0.1", port: peer.port)
        #expect(try await client.execute(get, to: endpoint, timeout: .seconds(30)).status == 200)
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await client.execute(get, to: endpoint, timeout: .seconds(30)).status == 200)
        #expect(client.connectionsOpened == 2)
        #expect(peer.accepted.load(ordering: .relaxed) == 2)
    }

    @Test func poolReuseAgainstTheRealServerAcrossCallers() async throws {
        let (server, port) = try startServer()
        let client = HTTPClient()
        let endpoint = try #require(HTTPEndpoint.parse("http://localhost:\(port)/ignored"))
        #expect(endpoint.hostHeader == "localhost:\(port)")
        // From a plain task, from @Loop, and from another actor: one pooled connection serves all.
        _ = try await client.execute(get, to: endpoint, timeout: .seconds(30))
        let fromLoop = try await onLoop(client, endpoint)
        let fromActor = try await Caller().call(client, endpoint)
        #expect(fromLoop == 200 && fromActor == 200)
        #expect(client.connectionsOpened == 1)
        // Concurrent requests open more connections, and the pool keeps them.
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask { try await client.execute(self.get, to: endpoint, timeout: .seconds(30)).status }
            }
            for try await status in group { #expect(status == 200) }
        }
        #expect(client.connectionsOpened > 1)
        #expect(client.idleConnections(to: endpoint) == client.connectionsOpened)
        client.closeIdleConnections(to: endpoint)
        #expect(client.idleConnections(to: endpoint) == 0)
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Loop func onLoop(_ client: HTTPClient, _ endpoint: HTTPEndpoint) async throws -> Int {
        try await client.execute(get, to: endpoint, timeout: .seconds(30)).status
    }

    @Test(arguments: [
        ("http://10.0.0.1:8080", "10.0.0.1", 8080, false, "10.0.0.1:8080"),
        ("https://gw", "gw", 443, true, "gw"),
        ("http://[::1]:81/x", "::1", 81, false, "[::1]:81"),
        ("http://esb-manager:8081", "esb-manager", 8081, false, "esb-manager:8081"),
    ])
    func endpointParsing(text: String, host: String, port: Int, tls: Bool, hostHeader: String) throws {
        let e = try #require(HTTPEndpoint.parse(text))
        #expect(e.host == host && e.port == port && e.useTLS == tls && e.hostHeader == hostHeader)
    }

    @Test(arguments: ["ftp://x", "http://", "http://h:0", "http://h:x", "unix://"])
    func badEndpoints(text: String) {
        #expect(HTTPEndpoint.parse(text) == nil)
    }

    @Test(arguments: [
        ("0.0.0.0:443", ListenAddress.tcp(host: "0.0.0.0", port: 443)), ("[::]:443", .tcp(host: "::", port: 443)),
        (":8080", .tcp(host: "0.0.0.0", port: 8080)), ("unix:///run/m.sock", .unix(path: "/run/m.sock")),
    ])
    func listenAddressParsing(text: String, expected: ListenAddress) {
        #expect(ListenAddress.parse(text) == expected)
    }
}

actor Caller {
    func call(_ client: HTTPClient, _ endpoint: HTTPEndpoint) async throws -> Int {
        try await client.execute(HTTPRequest(method: "GET", target: "/"), to: endpoint, timeout: .seconds(30)).status
    }
}

@Suite(.timeLimit(.minutes(5))) struct ClientConnectTimeoutTests {
    @Test func aPeerThatNeverAcceptsTimesOutBeforeSending() async throws {
        // A listener whose accept queue is full drops further SYNs: the loopback stand-in for a host
        // that does not answer (test traffic stays on this machine).
        let listener = try Socket.listen(on: SocketAddress(ip: "127.0.0.1", port: 0)!, backlog: 1)
        let port = try Socket.localAddress(listener).port
        var fillers: [Int32] = []
        for _ in 0..<4 {
            let pending = try Socket.connect(to: SocketAddress(ip: "127.0.0.1", port: port)!)
            fillers.append(pending.takeDescriptor().release())
        }
        defer { for fd in fillers { close(fd) } }
        try await Task.sleep(for: .milliseconds(50))
        let client = HTTPClient(connectTimeout: .milliseconds(200))
        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: HTTPClientError.timedOut(sent: false)) {
            _ = try await client.execute(
                HTTPRequest(method: "GET", target: "/"), to: HTTPEndpoint(host: "127.0.0.1", port: port),
                timeout: .seconds(120))
        }
        // The request's own timeout is 120 s: ending far before it shows the 200 ms connect timeout acted (a loose
        // bound for loaded machines; not a latency measurement).
        #expect(clock.now - start < .seconds(60))
        listener.close()
    }
}
