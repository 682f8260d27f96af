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
            guard let body = await readBody(head) else { return }
            transport.registration.setDeadline(nil)
            let info = RequestInfo(peerAddress: peer, isTLS: transport.isTLS, connectionID: id, receivedAt: receivedAt)
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

    /// The whole body, de-chunked; nil when the connection should close (an error was answered already).
    nonisolated(nonsending) func readBody(_ head: HTTPRequestHead) async -> [UInt8]? {
        let registration = transport.registration
        let maxBody = configuration.maxBodyBytes
        switch head.framing {
        case .none, .untilClose:
            return []
        case .contentLength(let length):
            if length > maxBody {
                await fail(413)
                return nil
            }
            if head.expectsContinue, buffer.count < length {
                guard await transport.write(HTTPMessageWriter.continue100) == .done else { return nil }
            }
            registration.setDeadline(after: configuration.bodyTimeout)
            var body: [UInt8] = []
            body.reserveCapacity(length)
            while true {
                let take = min(length - body.count, buffer.count)
                body.append(contentsOf: buffer.storage[buffer.start..<buffer.start + take])
                buffer.consume(take)
                if body.count == length { return body }
                guard await readBodyBytes() else { return nil }
            }
        case .chunked:
            if head.expectsContinue, buffer.isEmpty {
                guard await transport.write(HTTPMessageWriter.continue100) == .done else { return nil }
            }
            registration.setDeadline(after: configuration.bodyTimeout)
            var decoder = ChunkedDecoder(maxBodyBytes: maxBody, maxMetadataBytes: configuration.maxHeaderBytes)
            var body: [UInt8] = []
            while true {
                do {
                    let next = try decoder.decode(buffer.storage, start: buffer.start, end: buffer.end, into: &body)
                    buffer.consume(next - buffer.start)
                } catch {
                    await fail(error.status)
                    return nil
                }
                if decoder.isComplete { return body }
                guard await readBodyBytes() else { return nil }
            }
        }
    }

    /// Reads more body bytes; on progress the body timeout starts again. False: closed (408 sent on timeout).
    nonisolated(nonsending) func readBodyBytes() async -> Bool {
        switch await transport.read(into: &buffer, limit: 256 * 1024) {
        case .bytes:
            transport.registration.setDeadline(after: configuration.bodyTimeout)
            return true
        case .timedOut:
            await fail(408)
            return false
        case .eof, .cancelled, .failed:
            return false
        }
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
