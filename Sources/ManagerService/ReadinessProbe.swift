import Posix

/// Readiness of a new worker (docs/manager.md, "Readiness"): its RIE port accepts a TCP connection. Never a fake
/// invocation.
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
        guard let address = SocketAddress(ip: host, port: port) else { return false }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var nextLivenessCheck = clock.now + .seconds(1)
        while clock.now < deadline {
            if Task.isCancelled { return false }
            if clock.now >= nextLivenessCheck {
                if !(await stillAlive()) { return false }
                nextLivenessCheck = clock.now + .seconds(1)
            }
            if let pending = try? Socket.connect(to: address) {
                if !pending.inProgress { return true }
                let fd = pending.takeDescriptor()
                // Give the handshake until the next attempt would start over (at most ~1 s).
                for _ in 0..<100 where clock.now < deadline {
                    try? await Task.sleep(for: interval)
                    if Socket.isWritableNow(fd) {
                        if Socket.connectResult(fd) == nil { return true }
                        break
                    }
                }
                continue
            }
            try? await Task.sleep(for: interval)
        }
        return false
    }
}
