#if canImport(Glibc)
    import Glibc
#endif
import HTTP1
import Posix
import Synchronization

/// An HTTP/1.1 server (plain or TLS, TCP or Unix socket) on the event loops.
///
/// Each loop owns a listener (`SO_REUSEPORT` when there are several) and the connections it accepted;
/// a connection's requests are served one after another (pipelined requests are answered in order) by
/// the handler, on that loop. `shutdown(gracePeriod:)` drains: listeners close at once, idle keep-alive
/// connections close, requests in flight finish and their connections close, then it returns (at the
/// deadline at the latest, after forcing what is left closed).
public final class HTTPServer: Sendable {
    let core: ServerCore
    let states = Mutex<[ServerLoopState]>([])

    /// A server that is not listening yet.
    public init(configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler) {
        core = ServerCore(configuration: configuration, handler: handler)
    }

    /// Opens the listener(s) and starts accepting. Returns the bound TCP port (useful with port 0), or 0
    /// for a Unix socket.
    @discardableResult
    public func start() throws(HTTPServerError) -> Int {
        let configuration = core.configuration
        Signals.ignoreBrokenPipe()
        var port = 0
        var created: [ServerLoopState] = []
        do {
            switch configuration.listen {
            case .unix(let path):
                guard let address = SocketAddress(unixPath: path) else {
                    throw HTTPServerError(message: "bad Unix socket path \(path)")
                }
                let fd = try Socket.listen(on: address)
                let loop = EventLoopGroup.shared.primary
                created.append(try ServerLoopState.start(listener: fd, unixPath: path, loop: loop, core: core))
            case .tcp(let host, let requestedPort):
                let addresses = try SocketAddress.resolve(host: host, port: requestedPort)
                guard !addresses.isEmpty else { throw HTTPServerError(message: "\(host) resolves to no address") }
                let loops = EventLoopGroup.shared.loops(count: max(1, configuration.loops))
                port = requestedPort
                for loop in loops {
                    var address = addresses[0]
                    if port != requestedPort { address = SocketAddress(ip: address.ipText, port: port) ?? address }
                    let fd = try Socket.listen(on: address, reusePort: loops.count > 1)
                    if port == 0 { port = try Socket.localAddress(fd).port }
                    created.append(try ServerLoopState.start(listener: fd, unixPath: nil, loop: loop, core: core))
                }
            }
        } catch {
            for state in created { state.loop.execute { state.closeListener() } }
            throw error as? HTTPServerError
                ?? HTTPServerError(message: "cannot listen on \(configuration.listen): \(error)")
        }
        states.withLock { $0 = created }
        return port
    }

    /// Connections currently open.
    public var activeConnections: Int { core.active.load(ordering: .relaxed) }

    /// Request-body bytes held right now by connections still receiving them (against `maxInflightBodyBytes`).
    public var bodyBytesInFlight: Int { core.inflightBodyBytes.load(ordering: .relaxed) }

    /// Drains and stops: listeners close now (new connections are refused), idle keep-alive
    /// connections close, in-flight requests finish (their responses say `Connection: close`), and this
    /// returns when all connections are closed or `gracePeriod` has passed (then the rest are cut).
    public func shutdown(gracePeriod: Duration) async {
        let all = states.withLock { $0 }
        core.draining.store(true, ordering: .sequentiallyConsistent)
        for state in all { state.loop.execute { state.beginDrain() } }
        let finished = await core.waitForZeroConnections(timeout: gracePeriod)
        if !finished {
            for state in all { state.loop.execute { state.forceClose() } }
            _ = await core.waitForZeroConnections(timeout: .seconds(1))
        }
    }
}

/// State shared by all loops of one server: configuration, handler, counters, drain signalling.
final class ServerCore: Sendable {
    let configuration: HTTPServerConfiguration
    let handler: HTTPHandler
    let active = Atomic<Int>(0)
    let draining = Atomic<Bool>(false)
    /// Body bytes held by connections still receiving them (all loops), against `maxInflightBodyBytes`.
    let inflightBodyBytes = Atomic<Int>(0)
    let zeroWaiters = Mutex<[UInt64: CheckedContinuation<Bool, Never>]>([:])
    let waiterIDs = Atomic<UInt64>(0)
    static let connectionIDs = Atomic<UInt64>(0)

    init(configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
    }

    /// Takes `n` bytes of the in-flight body budget; false (nothing taken) when that would pass it.
    func reserveBody(_ n: Int) -> Bool {
        let after = inflightBodyBytes.add(n, ordering: .relaxed).newValue
        if after > configuration.maxInflightBodyBytes {
            inflightBodyBytes.subtract(n, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Gives back `n` bytes of the in-flight body budget.
    func releaseBody(_ n: Int) {
        if n > 0 { inflightBodyBytes.subtract(n, ordering: .relaxed) }
    }

    func connectionOpened() -> Bool {
        let now = active.add(1, ordering: .relaxed).newValue
        if now > configuration.maxConnections {
            connectionClosed()
            return false
        }
        return true
    }

    func connectionClosed() {
        let now = active.subtract(1, ordering: .sequentiallyConsistent).newValue
        if now == 0, draining.load(ordering: .sequentiallyConsistent) {
            let waiters = zeroWaiters.withLock { w -> [CheckedContinuation<Bool, Never>] in
                defer { w.removeAll() }
                return Array(w.values)
            }
            for waiter in waiters { waiter.resume(returning: true) }
        }
    }

    /// True when the count reached zero, false at the timeout.
    func waitForZeroConnections(timeout: Duration) async -> Bool {
        let id = waiterIDs.add(1, ordering: .relaxed).newValue
        let timer = Task {
            try? await Task.sleep(for: timeout)
            let waiter = zeroWaiters.withLock { $0.removeValue(forKey: id) }
            waiter?.resume(returning: false)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            zeroWaiters.withLock { $0[id] = continuation }
            if active.load(ordering: .sequentiallyConsistent) == 0 {
                let waiter = zeroWaiters.withLock { $0.removeValue(forKey: id) }
                waiter?.resume(returning: true)
            }
        }
    }
}
