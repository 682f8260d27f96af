import Foundation
import Glibc
import Synchronization

/// A Unix-socket relay in front of the real `/var/run/docker.sock` that can be taken away and brought back:
/// it stands in for "the Docker daemon is unreachable" without stopping the daemon that other suites share.
/// While stopped, the socket path does not exist and every relayed connection is cut, as when dockerd exits.
final class DockerSocketProxy: Sendable {
    let path: String
    let upstream: String
    private let state = Mutex<(listener: Int32, connections: Set<Int32>)>((-1, []))

    init(upstream: String = "/var/run/docker.sock") {
        path = "/tmp/esb-docker-proxy-\(UInt32.random(in: 0...UInt32.max)).sock"
        self.upstream = upstream
    }

    /// Starts accepting on `path`.
    func start() throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        unlink(path)
        guard withAddress(path, { bind(fd, $0, $1) }) == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        state.withLock { $0.listener = fd }
        let thread = Thread { [self] in
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 {
                    // Only this thread closes the listener: closed from stop(), its number could be reused by a
                    // new socket before this accept() runs, and this thread would serve someone else's listener.
                    close(fd)
                    return
                }
                let server = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
                guard withAddress(upstream, { connect(server, $0, $1) }) == 0 else {
                    close(client)
                    close(server)
                    continue
                }
                state.withLock { $0.connections.formUnion([client, server]) }
                Thread { [self] in relay(client, server) }.start()
            }
        }
        thread.start()
    }

    /// Closes the listener, removes the socket and cuts every relayed connection.
    func stop() {
        let (listener, connections) = state.withLock { state in
            defer { state = (-1, []) }
            return state
        }
        if listener >= 0 { shutdown(listener, Int32(SHUT_RDWR)) }  // the accept thread closes it
        unlink(path)
        for fd in connections { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func relay(_ a: Int32, _ b: Int32) {
        var fds = [pollfd(fd: a, events: Int16(POLLIN), revents: 0), pollfd(fd: b, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 65536)
        loop: while poll(&fds, 2, -1) > 0 {
            for (i, entry) in fds.enumerated() where entry.revents != 0 {
                let from = entry.fd, to = i == 0 ? b : a
                let n = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
                if n <= 0 { break loop }
                var offset = 0
                while offset < n {
                    let w = buffer.withUnsafeBytes {
                        send(to, $0.baseAddress! + offset, n - offset, Int32(MSG_NOSIGNAL))
                    }
                    if w <= 0 { break loop }
                    offset += w
                }
            }
        }
        state.withLock { $0.connections.subtract([a, b]) }
        close(a)
        close(b)
    }

    private func withAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8.prefix(raw.count - 1))
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}
