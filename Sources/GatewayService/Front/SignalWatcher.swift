import Posix

/// Delivers the process's blocked signals (SIGHUP, SIGTERM, SIGINT) to async code through signalfds.
///
/// The Reactor has no signal source yet, so this polls the non-blocking signalfds every 50 ms: a signal is acted
/// on within that time, and the cost is one `read` per signal per tick on a daemon that is otherwise waiting.
final class SignalWatcher: Sendable {
    /// One signalfd (non-copyable, so each lives in its own box).
    final class Source: Sendable {
        let fd: SignalFD
        init(_ fd: consuming SignalFD) { self.fd = fd }
    }

    let sources: [Source]

    /// Opens a signalfd for each signal (they must already be blocked: `GatewayApp.prepareProcess`).
    init(signals: [Int32]) throws(PosixError) {
        var sources: [Source] = []
        for s in signals { sources.append(Source(try SignalFD(signal: s))) }
        self.sources = sources
    }

    /// The next signal that arrives.
    func next() async -> Int32 {
        while true {
            for source in sources {
                if let signal = source.fd.next() { return signal }
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
