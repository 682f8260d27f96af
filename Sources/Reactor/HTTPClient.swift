public import HTTP1
import Posix
public import TLS
import Synchronization

/// An HTTP/1.1 client on the event loops with a keep-alive pool per endpoint (TCP, TLS or Unix socket).
///
/// `execute` runs on the caller's loop when the caller is isolated to a `Loop` (the gateway's handlers),
/// else on the primary loop (`@Loop`). Pooled connections belong to the loop that opened them.
/// Before a pooled connection is reused it is checked without blocking: if the peer closed it (or sent
/// anything unexpected) it is discarded and the next one (or a new connection) is used, so a request
/// is not written into a connection already known to be dead. A request whose bytes went out and that
/// then got no response is `sentThenFailed`, also on a reused connection: the client cannot prove the
/// server did not act on it (docs/network-runtime.md).
public final class HTTPClient: Sendable {
    /// Idle connections kept per endpoint and loop.
    public let maxIdlePerEndpoint: Int
    /// Idle connections older than this are closed instead of reused.
    public let idleTimeout: Duration
    /// Largest response body accepted (a larger one fails as `sentThenFailed`).
    public let maxResponseBodyBytes: Int
    /// Longest wait for a new connection (TCP connect + TLS handshake), within the request's timeout:
    /// a peer that drops SYNs fails as `timedOut(sent: false)` after this, not after the whole timeout.
    public let connectTimeout: Duration
    let tls: TLSClientContext?
    let pool = Mutex<[PoolKey: [ClientConnection]]>([:])
    let opened = Atomic<Int>(0)

    struct PoolKey: Hashable {
        let loop: Int
        let endpoint: HTTPEndpoint
    }

    /// - Parameters:
    ///   - tls: context for `https://` endpoints (without one they fail as `notSent`);
    ///     `TLSClientContext(verify: false)` accepts self-signed certificates.
    public init(
        maxIdlePerEndpoint: Int = 32, idleTimeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(5),
        maxResponseBodyBytes: Int = 64 * 1024 * 1024, tls: TLSClientContext? = nil
    ) {
        self.connectTimeout = connectTimeout
        self.maxIdlePerEndpoint = maxIdlePerEndpoint
        self.idleTimeout = idleTimeout
        self.maxResponseBodyBytes = maxResponseBodyBytes
        self.tls = tls
    }

    deinit {
        closeIdleConnections()
    }

    /// Connections this client has opened so far (pool reuse shows as a count that does not grow).
    public var connectionsOpened: Int { opened.load(ordering: .relaxed) }

    /// Idle pooled connections to `endpoint` by loop index (which loops' requests reached it).
    public func idleConnectionsByLoop(to endpoint: HTTPEndpoint) -> [Int: Int] {
        pool.withLock { pool in
            var counts: [Int: Int] = [:]
            for (key, connections) in pool where key.endpoint == endpoint {
                counts[key.loop, default: 0] += connections.count
            }
            return counts
        }
    }

    /// Idle pooled connections to `endpoint` (all loops).
    public func idleConnections(to endpoint: HTTPEndpoint) -> Int {
        pool.withLock { $0.filter { $0.key.endpoint == endpoint }.reduce(0) { $0 + $1.value.count } }
    }

    /// Sends `request` and reads the whole response. `Host` and `Content-Length` are set for you.
    /// `timeout` covers connecting, writing and reading.
    public nonisolated(nonsending) func execute(
        _ request: HTTPRequest, to endpoint: HTTPEndpoint, timeout: Duration
    ) async throws(HTTPClientError) -> HTTPResponse {
        // The calling thread tells the loop: casting `#isolation` to `Loop` over-releases the actor with Swift
        // 6.3.1 (crash after a few dozen calls from a loop-isolated caller). A caller on loop k is isolated to
        // loop k's actor, so `perform` runs there without a hop (docs/network-runtime.md, "Which loop").
        if let loop = EventLoop.current {
            return try await perform(request, endpoint, timeout, on: loop.actor)
        }
        return try await perform(request, endpoint, timeout, on: Loop.shared)
    }

    /// Closes idle pooled connections (to one endpoint, or all). Busy ones close when they finish.
    public func closeIdleConnections(to endpoint: HTTPEndpoint? = nil) {
        let removed = pool.withLock { pool -> [ClientConnection] in
            var taken: [ClientConnection] = []
            for key in pool.keys where endpoint == nil || key.endpoint == endpoint {
                taken += pool.removeValue(forKey: key) ?? []
            }
            return taken
        }
        for connection in removed {
            connection.transport.registration.loop.execute { connection.transport.close() }
        }
    }

    func perform(
        _ request: HTTPRequest, _ endpoint: HTTPEndpoint, _ timeout: Duration, on loop: isolated Loop
    ) async throws(HTTPClientError) -> HTTPResponse {
        let deadline = Monotonic.now() &+ Monotonic.nanoseconds(timeout)
        let key = PoolKey(loop: loop.eventLoop.index, endpoint: endpoint)
        let connection: ClientConnection
        if let pooled = takeIdle(key) {
            connection = pooled
        } else {
            let connectDeadline = min(deadline, Monotonic.now() &+ Monotonic.nanoseconds(connectTimeout))
            connection = try await ClientConnection.connect(
                to: endpoint, tls: tls, deadline: connectDeadline, loop: loop.eventLoop)
            opened.add(1, ordering: .relaxed)
        }
        connection.transport.registration.setDeadline(deadline)
        do throws(HTTPClientError) {
            let (response, reusable) = try await connection.exchange(
                request, hostHeader: endpoint.hostHeader, maxBody: maxResponseBodyBytes)
            connection.transport.registration.setDeadline(nil)
            if reusable { park(connection, key) } else { connection.transport.close() }
            return response
        } catch {
            connection.transport.close()
            throw error
        }
    }

    /// A pooled connection that is still open, or nil. Dead and expired ones are closed on the way.
    func takeIdle(_ key: PoolKey) -> ClientConnection? {
        let expiry = Monotonic.nanoseconds(idleTimeout)
        while true {
            guard let connection = pool.withLock({ $0[key]?.popLast() }) else { return nil }
            connection.transport.registration.onInputWhileIdle = nil
            if Monotonic.now() &- connection.parkedAt < expiry, connection.transport.isIdleAndOpen() {
                return connection
            }
            connection.transport.close()
        }
    }

    func park(_ connection: ClientConnection, _ key: PoolKey) {
        connection.parkedAt = Monotonic.now()
        let kept = pool.withLock { pool -> Bool in
            guard pool[key, default: []].count < maxIdlePerEndpoint else { return false }
            pool[key, default: []].append(connection)
            return true
        }
        guard kept else {
            connection.transport.close()
            return
        }
        // The peer closing an idle connection shows up as input: drop it from the pool right away.
        let id = ObjectIdentifier(connection)
        connection.transport.registration.onInputWhileIdle = { [weak self] in
            let removed = self?.pool.withLock { pool -> ClientConnection? in
                guard let i = pool[key]?.firstIndex(where: { ObjectIdentifier($0) == id }) else { return nil }
                return pool[key]!.remove(at: i)
            }
            removed?.transport.close()
        }
    }
}
