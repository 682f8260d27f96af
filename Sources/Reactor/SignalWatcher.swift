#if canImport(Glibc)
    import Glibc
#endif
import Posix

/// Delivers signals (SIGTERM, SIGHUP...) as an async sequence, read from a signalfd on the primary loop.
///
/// Usage in `main.swift`: call `SignalWatcher.blockInProcess([SIGTERM, SIGHUP])` FIRST, before anything
/// starts a thread (threads inherit the mask), then `for await signal in SignalWatcher.signals([SIGTERM, SIGHUP])`.
/// A signal that is not blocked in every thread may instead hit a thread with the default action.
public enum SignalWatcher {
    /// Blocks `signals` in the calling thread (and threads it creates later) and ignores SIGPIPE.
    public static func blockInProcess(_ signals: [Int32]) {
        Signals.block(signals)
    }

    /// A stream of the signal numbers received, in order, for as long as the stream is iterated.
    public static func signals(_ signals: [Int32]) -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        let loop = EventLoopGroup.shared.primary
        loop.execute {
            // Created on the loop thread: the signalfd also blocks the signals in this thread.
            var watchers: [(FileDescriptorBox, IORegistration)] = []
            for signal in signals {
                guard let fd = try? SignalFD(signal: signal) else { continue }
                let box = FileDescriptorBox(fd)
                guard let registration = try? IORegistration(fd: box.raw, loop: loop) else { continue }
                registration.onInputWhileIdle = {
                    while let received = box.signalfd.next() { continuation.yield(received) }
                }
                watchers.append((box, registration))
            }
            let kept = watchers
            continuation.onTermination = { _ in
                loop.execute { for (_, registration) in kept { registration.deregister() } }
            }
        }
        return stream
    }
}

/// Keeps a signalfd alive for as long as its registration.
final class FileDescriptorBox: @unchecked Sendable {
    let signalfd: SignalFD
    let raw: Int32

    init(_ fd: consuming SignalFD) {
        raw = fd.fd.rawValue
        signalfd = fd
    }
}
