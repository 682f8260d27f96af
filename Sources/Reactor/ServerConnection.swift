#if canImport(Glibc)
    import Glibc
#endif
import HTTP1
import Posix

/// One accepted connection: TLS handshake, then requests read, handled and answered in order until
/// the connection is closed by either side, a timeout, an error, or a drain.
///
/// Loop-confined: `run(on:)` is isolated to its loop's actor and the drain code runs on the same loop.
final class ServerConnection: @unchecked Sendable {
    // Strong: the state drops the connection in connectionFinished, which breaks the cycle; a connection can
    // outlive a stopped server by a few loop turns.
    let state: ServerLoopState
    let core: ServerCore
    let transport: Transport
    let peer: String
    let id: UInt64
    var buffer = ReadBuffer(capacity: 4096)
    var parser: HTTPHeadParser
    /// Waiting for the next request of a keep-alive connection (nothing received yet): drain closes it.
    var isIdle = false
    /// Set by a drain: finish the current request, answer with `Connection: close`, close.
    var draining = false
    var configuration: HTTPServerConfiguration { core.configuration }

    init(state: ServerLoopState, transport: Transport, peer: String) {
        self.state = state
        core = state.core
        self.transport = transport
        self.peer = peer
        id = ServerCore.connectionIDs.add(1, ordering: .relaxed).newValue
        parser = HTTPHeadParser(maxHeaderBytes: state.core.configuration.maxHeaderBytes)
    }

    func run(on loop: isolated Loop) async {
        defer {
            transport.close()
            state.connectionFinished(self)
        }
        // The header timeout runs from accept and includes the TLS handshake.
        transport.registration.setDeadline(after: configuration.headerTimeout)
        if await transport.handshake() != nil { return }
        var first = true
        while true {
            guard let head = await readHead(first: first) else { return }
            first = false
            let receivedAt = ContinuousClock.now
            var info = RequestInfo(peerAddress: peer, isTLS: transport.isTLS, connectionID: id, receivedAt: receivedAt)
            // Decided from the head, before a byte of the body is read or buffered (docs/network-runtime.md).
            if Self.hasBody(head), let gate = configuration.headGate {
                switch gate(head.request(body: []), info) {
                case .refuse(let refusal):
                    // Discards what the client still uploads, as after a 413 (it reads the answer, not a reset).
                    await answerAndClose(
                        refusal, minorVersion: head.minorVersion, omitBody: head.method == "HEAD",
                        discardingUpload: true)
                    return
                case .admit(let note):
                    info.headNote = note
                }
            }
            guard let body = await readBody(head) else { return }
            transport.registration.setDeadline(nil)
            let response = await core.handler(head.request(body: body), info)
            let keepAlive = head.keepAlive && !draining && !Self.asksToClose(response)
            var out: [UInt8] = []
            HTTPMessageWriter.writeResponse(
                response, into: &out, minorVersion: head.minorVersion, keepAlive: keepAlive,
                omitBody: head.method == "HEAD", date: loop.eventLoop.httpDate())
            transport.registration.setDeadline(after: configuration.bodyTimeout)
            guard await transport.write(out, progressTimeout: configuration.bodyTimeout) == .done else { return }
            if !keepAlive {
                await lingeringClose(for: configuration.lingerTimeout)
                return
            }
        }
    }

    /// The next request head, or nil when the connection should close (an error was answered already).
    nonisolated(nonsending) func readHead(first: Bool) async -> HTTPRequestHead? {
        let registration = transport.registration
        if !first {
            if buffer.isEmpty {
                if draining { return nil }
                // Idle keep-alive: wait for the first byte of the next request.
                isIdle = true
                buffer.shrinkIfIdle(to: 4096)
                registration.setDeadline(after: configuration.idleTimeout)
                let outcome = await transport.read(into: &buffer, limit: headLimit)
                isIdle = false
                guard case .bytes = outcome else { return nil }
            }
            registration.setDeadline(after: configuration.headerTimeout)
        }
        while true {
            do {
                switch try parser.parseRequest(buffer.storage, start: buffer.start, end: buffer.end) {
                case .complete(let head, let bodyStart):
                    buffer.consume(bodyStart - buffer.start)
                    return head
                case .incomplete:
                    break
                }
            } catch {
                await fail(error.status)
                return nil
            }
            switch await transport.read(into: &buffer, limit: headLimit) {
            case .bytes:
                continue
            case .timedOut:
                // Silence for a client that sent nothing; 408 for one that started a request.
                if !buffer.isEmpty { await fail(408) }
                return nil
            case .eof, .cancelled, .failed:
                return nil
            }
        }
    }

    var headLimit: Int { configuration.maxHeaderBytes + 64 * 1024 }

    static func hasBody(_ head: HTTPRequestHead) -> Bool {
        switch head.framing {
        case .contentLength(let n): n > 0
        case .chunked: true
        case .none, .untilClose: false
        }
    }

    /// The whole body, de-chunked; nil when the connection should close (an error was answered already).
    ///
    /// Memory follows the bytes that arrived, never the declared length, and every byte is taken from the
    /// server-wide in-flight budget (503 past it) until the body is handed over; a body that falls below the
    /// minimum rate gets 408 (docs/network-runtime.md). An error is answered after the partial body has been
    /// dropped and its budget given back, so a lingering close holds neither.
    nonisolated(nonsending) func readBody(_ head: HTTPRequestHead) async -> [UInt8]? {
        var held = 0
        let outcome = await receiveBody(head, held: &held)
        core.releaseBody(held)
        switch outcome {
        case .complete(let body): return body
        case .failed(let status): await fail(status)
        case .closed: break
        }
        return nil
    }

    enum BodyOutcome {
        case complete([UInt8])
        /// Answer this status and close.
        case failed(Int)
        /// The connection is gone (or timed out silently): just close.
        case closed
    }

    nonisolated(nonsending) func receiveBody(_ head: HTTPRequestHead, held: inout Int) async -> BodyOutcome {
        let registration = transport.registration
        let maxBody = configuration.maxBodyBytes
        let startedAt = Monotonic.now()
        switch head.framing {
        case .none, .untilClose:
            return .complete([])
        case .contentLength(let length):
            if length > maxBody { return .failed(413) }
            if head.expectsContinue, buffer.count < length {
                guard await transport.write(HTTPMessageWriter.continue100) == .done else { return .closed }
            }
            registration.setDeadline(after: configuration.bodyTimeout)
            var body: [UInt8] = []
            while true {
                let take = min(length - body.count, buffer.count)
                if take > 0 {
                    guard core.reserveBody(take) else { return .failed(503) }
                    held += take
                    body.append(contentsOf: buffer.storage[buffer.start..<buffer.start + take])
                    buffer.consume(take)
                }
                if body.count == length { return .complete(body) }
                if let stop = await readBodyBytes(startedAt: startedAt, received: body.count) { return stop }
            }
        case .chunked:
            if head.expectsContinue, buffer.isEmpty {
                guard await transport.write(HTTPMessageWriter.continue100) == .done else { return .closed }
            }
            registration.setDeadline(after: configuration.bodyTimeout)
            var decoder = ChunkedDecoder(maxBodyBytes: maxBody, maxMetadataBytes: configuration.maxHeaderBytes)
            var body: [UInt8] = []
            while true {
                do {
                    let next = try decoder.decode(buffer.storage, start: buffer.start, end: buffer.end, into: &body)
                    buffer.consume(next - buffer.start)
                } catch {
                    return .failed(error.status)
                }
                if body.count > held {
                    guard core.reserveBody(body.count - held) else { return .failed(503) }
                    held = body.count
                }
                if decoder.isComplete { return .complete(body) }
                if let stop = await readBodyBytes(startedAt: startedAt, received: body.count) { return stop }
            }
        }
    }

    /// Reads more body bytes. The deadline is the sooner of `bodyTimeout` without progress and the moment the
    /// body falls below the minimum rate. nil: progress; otherwise how the body ends (408 on a timeout).
    nonisolated(nonsending) func readBodyBytes(startedAt: UInt64, received: Int) async -> BodyOutcome? {
        transport.registration.setDeadline(bodyDeadline(startedAt: startedAt, received: received + buffer.count))
        switch await transport.read(into: &buffer, limit: 256 * 1024) {
        case .bytes: return nil
        case .timedOut: return .failed(408)
        case .eof, .cancelled, .failed: return .closed
        }
    }

    /// When the body must have made progress: `bodyTimeout` from now, or sooner, the moment `received` bytes
    /// fall below `minBodyRate` per second counted after the grace period from `startedAt`.
    func bodyDeadline(startedAt: UInt64, received: Int) -> UInt64 {
        let idle = Monotonic.now() &+ Monotonic.nanoseconds(configuration.bodyTimeout)
        let rate = configuration.minBodyRate
        guard rate > 0 else { return idle }
        let earned = UInt64(received) &* 1_000_000_000 / UInt64(rate)
        let due = startedAt &+ Monotonic.nanoseconds(configuration.minBodyRateGrace) &+ earned
        return min(idle, due)
    }

    static func asksToClose(_ response: HTTPResponse) -> Bool {
        guard let value = response.headers["Connection"] else { return false }
        return value.lowercased().contains("close")
    }
}

extension EventLoop {
    /// The current `Date` header value, formatted once per second per loop.
    func httpDate() -> String {
        let second = Int(time(nil))
        if dateCache.second != second {
            dateCache = (second, HTTPDate.format(epochSeconds: second))
        }
        return dateCache.text
    }
}
