import HTTP1
import Posix
import TLS

/// What a read on a transport produced.
enum ReadOutcome: Sendable, Equatable {
    case bytes(Int)
    case eof
    case timedOut
    case cancelled
    case failed(String)
}

extension Readiness {
    /// nil when ready, else how the wait ended (`timedOut` or `cancelled`) as a read outcome.
    var readStop: ReadOutcome? {
        switch self {
        case .ready: nil
        case .timedOut: .timedOut
        case .cancelled: .cancelled
        }
    }
}

/// What a write produced; `written` counts bytes the kernel (or TLS) accepted before it stopped.
enum WriteOutcome: Sendable, Equatable {
    case done
    case timedOut(written: Int)
    case cancelled(written: Int)
    case failed(written: Int, String)
}

/// A connected socket on one event loop, plain or TLS, with async reads and writes that suspend on
/// edge-triggered readiness and end at the registration's deadline.
///
/// Loop-confined (see `IORegistration`); the owner calls `close()` exactly once.
final class Transport: @unchecked Sendable {
    let registration: IORegistration
    var fd: FileDescriptor?
    var tls: TLSSession?
    let isTLS: Bool
    /// close_notify and FIN were sent (`shutdownOutput`).
    var outputIsShutDown = false
    /// A plain socket whose last read returned less than it asked for: the kernel had nothing more, so the next
    /// read waits for the next edge instead of first trying (an `EAGAIN` read per request on a worker connection,
    /// whose answer never comes within microseconds of the request). Edge-triggered epoll reports every arrival
    /// after that read (docs/network-runtime.md, "Readiness"); a FIN that came with the bytes was reported with
    /// them, so once the loop saw one (`peerEndSeen`) reads try first again. Not for TLS: OpenSSL may hold bytes
    /// it read.
    private var drained = false

    /// Registers `fd` on `loop`; `server`/`client` select a TLS session.
    init(fd: consuming FileDescriptor, loop: EventLoop, tls: TLSSide?) throws {
        registration = try IORegistration(fd: fd.rawValue, loop: loop)
        switch tls {
        case .server(let context)?:
            self.tls = try TLSSession(server: context, socket: fd.rawValue)
        case .client(let context, let serverName)?:
            self.tls = try TLSSession(client: context, socket: fd.rawValue, serverName: serverName)
        case nil:
            self.tls = nil
        }
        isTLS = tls != nil
        self.fd = consume fd
    }

    enum TLSSide {
        case server(TLSServerContext)
        case client(TLSClientContext, serverName: String?)
    }

    /// Runs the TLS handshake (no-op for plain sockets); nil on success, else why it failed.
    nonisolated(nonsending) func handshake() async -> ReadOutcome? {
        guard isTLS else { return nil }
        while true {
            let step: TLSIOResult
            do { step = try tls!.handshake() } catch { return .failed(error.message) }
            let readiness: Readiness
            switch step {
            case .done: return nil
            case .closed: return .eof
            case .wantRead: readiness = await registration.waitReadable()
            case .wantWrite: readiness = await registration.waitWritable()
            }
            if let stop = readiness.readStop { return stop }
        }
    }

    /// Reads what is available into `buffer` (at least one byte, or why not).
    nonisolated(nonsending) func read(into buffer: inout ReadBuffer, limit: Int) async -> ReadOutcome {
        guard buffer.reserve(4096, limit: limit) else { return .failed("buffer full") }
        if drained && !registration.peerEndSeen {
            drained = false
            if let stop = await registration.waitReadable().readStop { return stop }
        }
        while true {
            let space = buffer.storage.count - buffer.end
            let offset = buffer.end
            var wantWrite = false
            let result: ReadOutcome? = buffer.storage.withUnsafeMutableBytes { raw in
                attemptRead(raw.baseAddress! + offset, space, &wantWrite)
            }
            if let result {
                if case .bytes(let n) = result {
                    buffer.end += n
                    drained = !isTLS && n < space
                }
                return result
            }
            if let stop = await (wantWrite ? registration.waitWritable() : registration.waitReadable()).readStop {
                return stop
            }
        }
    }

    /// Reads into raw memory (for large bodies read in place).
    nonisolated(nonsending) func read(into pointer: UnsafeMutableRawPointer, count: Int) async -> ReadOutcome {
        while true {
            var wantWrite = false
            if let result = attemptRead(pointer, count, &wantWrite) { return result }
            if let stop = await (wantWrite ? registration.waitWritable() : registration.waitReadable()).readStop {
                return stop
            }
        }
    }

    /// One non-blocking read; nil means "wait" (for writability when `wantWrite` is set).
    func attemptRead(_ pointer: UnsafeMutableRawPointer, _ count: Int, _ wantWrite: inout Bool) -> ReadOutcome? {
        guard fd != nil else { return .cancelled }
        if isTLS {
            do {
                switch try tls!.read(into: pointer, count: count) {
                case .done(let n): return .bytes(n)
                case .closed: return .eof
                case .wantRead: return nil
                case .wantWrite:
                    wantWrite = true
                    return nil
                }
            } catch {
                return .failed(error.message)
            }
        }
        return attemptRawRead(pointer, count)
    }

    /// Writes all of `bytes`, waiting for writability as needed. With `progressTimeout`, every partial
    /// write moves the deadline that far ahead (a slow reader is fine, a stalled one is not).
    nonisolated(nonsending) func write(_ bytes: [UInt8], progressTimeout: Duration? = nil) async -> WriteOutcome {
        var written = 0
        while written < bytes.count {
            var wantRead = false
            var failure: String?
            let n: Int? = bytes.withUnsafeBytes { raw in
                attemptWrite(raw.baseAddress! + written, raw.count - written, &wantRead, &failure)
            }
            if let failure { return .failed(written: written, failure) }
            if let n {
                written += n
                if let progressTimeout, written < bytes.count { registration.setDeadline(after: progressTimeout) }
                continue
            }
            switch await (wantRead ? registration.waitReadable() : registration.waitWritable()) {
            case .ready: continue
            case .timedOut: return .timedOut(written: written)
            case .cancelled: return .cancelled(written: written)
            }
        }
        return .done
    }

    func attemptWrite(
        _ pointer: UnsafeRawPointer, _ count: Int, _ wantRead: inout Bool, _ failure: inout String?
    ) -> Int? {
        guard fd != nil else {
            failure = "closed"
            return nil
        }
        if isTLS {
            do {
                switch try tls!.write(from: pointer, count: count) {
                case .done(let n): return n
                case .closed:
                    failure = "TLS session closed by peer"
                    return nil
                case .wantWrite: return nil
                case .wantRead:
                    wantRead = true
                    return nil
                }
            } catch {
                failure = error.message
                return nil
            }
        }
        do {
            switch try fd!.write(from: pointer, count: count) {
            case .done(let n): return n
            case .wouldBlock: return nil
            }
        } catch {
            failure = error.description
            return nil
        }
    }

    /// For a connection that should be idle: false if the peer closed it or sent something unexpected.
    func isIdleAndOpen() -> Bool {
        guard fd != nil else { return false }
        guard Socket.hasPendingInputOrEOF(fd!) else { return true }
        guard isTLS else { return false }
        // TLS 1.3 servers send session tickets after the handshake: consume records; any application
        // data or a close means the connection is not reusable.
        var byte: UInt8 = 0
        var wantWrite = false
        return attemptRead(&byte, 1, &wantWrite) == nil
    }

    /// Sends close_notify (TLS) and FIN, keeping the read side open (lingering close).
    func shutdownOutput() {
        guard !outputIsShutDown else { return }
        outputIsShutDown = true
        if isTLS { tls!.shutdown() }
        if fd != nil { Socket.shutdownWrite(fd!) }
    }

    /// Lingering close: reads whatever the peer still sends and drops it (at least one byte, or why
    /// not). It reads the socket below TLS: after our close_notify nothing the peer sends is used, so
    /// its records need no decrypting, and OpenSSL's rules for reading after a sent close_notify
    /// cannot end the linger early. `buffer` is scratch space (its contents are overwritten).
    nonisolated(nonsending) func discardInput(into buffer: inout ReadBuffer) async -> ReadOutcome {
        buffer.consume(buffer.count)
        while true {
            let outcome = buffer.storage.withUnsafeMutableBytes { raw in
                attemptRawRead(raw.baseAddress!, raw.count)
            }
            if let outcome { return outcome }
            if let stop = await registration.waitReadable().readStop { return stop }
        }
    }

    /// One non-blocking read from the socket itself (below TLS); nil means "wait for readability".
    func attemptRawRead(_ pointer: UnsafeMutableRawPointer, _ count: Int) -> ReadOutcome? {
        guard fd != nil else { return .cancelled }
        do {
            switch try fd!.read(into: pointer, count: count) {
            case .done(0): return .eof
            case .done(let n): return .bytes(n)
            case .wouldBlock: return nil
            }
        } catch {
            return error.isConnectionLoss ? .eof : .failed(error.description)
        }
    }

    /// Deregisters and closes (idempotent).
    func close(sendCloseNotify: Bool = true) {
        guard fd != nil else { return }
        // After shutdownOutput a second SSL_shutdown would try to read the peer's close_notify.
        if sendCloseNotify, isTLS, !outputIsShutDown { tls!.shutdown() }
        registration.deregister()
        tls = nil
        fd = nil
    }
}
