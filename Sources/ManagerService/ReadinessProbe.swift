import Glibc

/// Readiness of a new worker (§4.3): its RIE port accepts a TCP connection. Never a fake invocation.
///
/// Tries a non-blocking connect every ~10 ms until the deadline. A connect still in progress is checked with
/// zero-timeout polls between sleeps, so no Swift concurrency thread is ever blocked waiting on the network.
enum ReadinessProbe {
    /// True once `host:port` (IPv4 or IPv6 literal) accepts a connection before `timeout`.
    /// `stillAlive` is asked about once a second while waiting: false ends the wait at once (the container
    /// exited: no point waiting for the deadline).
    static func waitUntilAccepting(
        host: String, port: Int, timeout: Duration, interval: Duration = .milliseconds(10),
        stillAlive: @Sendable () async -> Bool = { true }
    ) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var nextLivenessCheck = clock.now + .seconds(1)
        while clock.now < deadline {
            if Task.isCancelled { return false }
            if clock.now >= nextLivenessCheck {
                if !(await stillAlive()) { return false }
                nextLivenessCheck = clock.now + .seconds(1)
            }
            switch connect(host: host, port: port) {
            case .connected: return true
            case .failed: break
            case .pending(let fd):
                defer { close(fd) }
                // Give the handshake until the next attempt would start over (at most ~1 s).
                for _ in 0..<100 where clock.now < deadline {
                    try? await Task.sleep(for: interval)
                    if let connected = check(fd) {
                        if connected { return true }
                        break
                    }
                }
                continue
            }
            try? await Task.sleep(for: interval)
        }
        return false
    }

    enum Attempt {
        case connected
        case failed
        case pending(Int32)
    }

    /// Starts a non-blocking connect.
    static func connect(host: String, port: Int) -> Attempt {
        var storage = sockaddr_storage()
        let length: socklen_t
        let family: Int32
        if host.contains(":") {
            var a = sockaddr_in6()
            a.sin6_family = sa_family_t(AF_INET6)
            a.sin6_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET6, host, &a.sin6_addr) == 1 else { return .failed }
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: a, as: sockaddr_in6.self) }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            family = AF_INET6
        } else {
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET, host, &a.sin_addr) == 1 else { return .failed }
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: a, as: sockaddr_in.self) }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            family = AF_INET
        }
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failed }
        let rc = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) }
        }
        if rc == 0 {
            close(fd)
            return .connected
        }
        if errno == EINPROGRESS { return .pending(fd) }
        close(fd)
        return .failed
    }

    /// Nil while the connect is in progress; then whether it succeeded.
    static func check(_ fd: Int32) -> Bool? {
        var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&pfd, 1, 0) == 1 else { return nil }
        var error: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size)
        return error == 0
    }
}
