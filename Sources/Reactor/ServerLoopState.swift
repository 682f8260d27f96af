#if canImport(Glibc)
    import Glibc
#endif
import Posix

/// One loop's share of a server: its listener and the connections it accepted.
/// Loop-confined (created on start, then used only on `loop`'s thread).
final class ServerLoopState: @unchecked Sendable {
    let loop: EventLoop
    let core: ServerCore
    var listener: FileDescriptor?
    var listenerRegistration: IORegistration?
    let unixPath: String?
    var connections: [ObjectIdentifier: ServerConnection] = [:]
    var retryTimer: TimerNode?

    init(loop: EventLoop, core: ServerCore, unixPath: String?) {
        self.loop = loop
        self.core = core
        self.unixPath = unixPath
    }

    /// Hands `fd` to `loop` and starts accepting there.
    static func start(
        listener fd: consuming FileDescriptor, unixPath: String?, loop: EventLoop, core: ServerCore
    ) throws -> ServerLoopState {
        let state = ServerLoopState(loop: loop, core: core, unixPath: unixPath)
        let raw = fd.release()
        loop.execute {
            state.listener = FileDescriptor(takingOwnership: raw)
            do {
                let registration = try IORegistration(fd: raw, loop: loop)
                registration.onInputWhileIdle = { [weak state] in state?.acceptAll() }
                state.listenerRegistration = registration
                state.acceptAll()
            } catch {
                state.listener = nil
            }
        }
        return state
    }

    /// Accepts until the backlog is empty (the listener is edge-triggered). After a batch it yields to
    /// the connections' work and continues later, so a burst of connects cannot starve requests.
    func acceptAll() {
        var batch = 0
        while listener != nil {
            batch += 1
            if batch > 128 {
                loop.execute { [self] in acceptAll() }
                return
            }
            let accepted: AcceptedSocket?
            do {
                accepted = try Socket.accept(listener!)
            } catch {
                // EMFILE and friends: the backlog stays; try again shortly instead of spinning.
                let node = retryTimer ?? TimerNode { [weak self] in self?.acceptAll() }
                retryTimer = node
                loop.timers.arm(node, at: Monotonic.now() &+ 50_000_000)
                return
            }
            guard let socket = accepted else { return }
            guard core.connectionOpened() else {
                continue  // over the limit: the socket closes as it goes out of scope
            }
            if socket.peer.family != AF_UNIX { Socket.setNoDelay(socket.fd) }
            let peer = socket.peer.ipText
            let fd = socket.takeDescriptor()
            let transport: Transport
            do {
                transport = try Transport(
                    fd: fd, loop: loop,
                    tls: core.configuration.tls.map { .server($0) })
            } catch {
                core.connectionClosed()
                continue
            }
            let connection = ServerConnection(state: self, transport: transport, peer: peer)
            connections[ObjectIdentifier(connection)] = connection
            let actor = loop.actor
            _ = actor.assumeIsolated { isolated in
                Task(executorPreference: loop.taskExecutor) { await connection.run(on: isolated) }
            }
        }
    }

    func connectionFinished(_ connection: ServerConnection) {
        connections.removeValue(forKey: ObjectIdentifier(connection))
        core.connectionClosed()
    }

    func closeListener() {
        listenerRegistration?.deregister()
        listenerRegistration = nil
        if let retryTimer { loop.timers.cancel(retryTimer) }
        listener = nil
        if let unixPath { unlink(unixPath) }
    }

    /// Drain step 1: stop accepting, close idle connections, tell busy ones to close after this request.
    func beginDrain() {
        closeListener()
        for connection in connections.values {
            connection.draining = true
            if connection.isIdle { connection.transport.registration.cancel() }
        }
    }

    /// Drain step 2 (deadline passed): end every wait of every connection.
    func forceClose() {
        for connection in connections.values {
            connection.draining = true
            connection.transport.registration.cancel()
        }
    }
}
