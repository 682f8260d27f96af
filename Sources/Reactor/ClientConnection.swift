import HTTP1
import Posix
import TLS

/// One client connection (loop-confined): connect, then request/response exchanges.
final class ClientConnection: @unchecked Sendable {
    let transport: Transport
    var buffer = ReadBuffer(capacity: 8192)
    var parser = HTTPHeadParser(maxHeaderBytes: 64 * 1024)
    var parkedAt: UInt64 = 0

    init(transport: Transport) {
        self.transport = transport
    }

    /// Opens a connection (resolving names off the loop), trying each address until one answers.
    nonisolated(nonsending) static func connect(
        to endpoint: HTTPEndpoint, tls: TLSClientContext?, deadline: UInt64, loop: EventLoop
    ) async throws(HTTPClientError) -> ClientConnection {
        var addresses: [SocketAddress]
        if let path = endpoint.unixPath {
            guard let address = SocketAddress(unixPath: path) else { throw .notSent("bad socket path \(path)") }
            addresses = [address]
        } else if let numeric = SocketAddress(ip: endpoint.host, port: endpoint.port) {
            addresses = [numeric]
        } else {
            let host = endpoint.host, port = endpoint.port
            do {
                addresses = try await BlockingPool.shared.run { () throws(PosixError) -> [SocketAddress] in
                    try SocketAddress.resolve(host: host, port: port)
                }
            } catch {
                throw .notSent("cannot resolve \(host): \(error)")
            }
        }
        var side: Transport.TLSSide?
        if endpoint.useTLS {
            guard let tls else { throw .notSent("https endpoint but the client has no TLS context") }
            side = .client(tls, serverName: endpoint.host)
        }
        var lastError = "no address"
        for address in addresses {
            let transport: Transport
            let inProgress: Bool
            do {
                let pending = try Socket.connect(to: address)
                inProgress = pending.inProgress
                if address.family != 1 /* AF_UNIX */ { Socket.setNoDelay(pending.fd) }
                transport = try Transport(fd: pending.takeDescriptor(), loop: loop, tls: side)
            } catch {
                lastError = "\(error)"
                continue
            }
            transport.registration.setDeadline(deadline)
            if inProgress {
                if let stop = await transport.registration.waitWritable().readStop {
                    transport.close(sendCloseNotify: false)
                    throw stop == .timedOut ? .timedOut(sent: false) : .notSent("cancelled")
                }
                if let error = Socket.connectResult(transport.fd!) {
                    transport.close(sendCloseNotify: false)
                    lastError = "\(error) (\(address))"
                    continue
                }
            }
            if let failure = await transport.handshake() {
                transport.close(sendCloseNotify: false)
                if failure == .timedOut { throw .timedOut(sent: false) }
                throw .notSent("TLS handshake with \(endpoint): \(failure)")
            }
            return ClientConnection(transport: transport)
        }
        throw .notSent("cannot connect to \(endpoint): \(lastError)")
    }

    /// Writes the request and reads the response; also says whether the connection may be reused.
    nonisolated(nonsending) func exchange(
        _ request: HTTPRequest, hostHeader: String, maxBody: Int
    ) async throws(HTTPClientError) -> (HTTPResponse, reusable: Bool) {
        var out: [UInt8] = []
        HTTPMessageWriter.writeRequest(request, host: hostHeader, into: &out)
        switch await transport.write(out) {
        case .done: break
        case .timedOut(let written): throw .timedOut(sent: written > 0)
        case .cancelled(let written):
            throw written > 0 ? .sentThenFailed("cancelled") : .notSent("cancelled")
        case .failed(let written, let why):
            throw written > 0 ? .sentThenFailed(why) : .notSent(why)
        }
        while true {
            let head = try await readHead(method: request.method)
            if head.status < 200 { continue }  // 100 Continue and other interim responses
            let body = try await readBody(head.framing, maxBody: maxBody)
            let request = HTTPResponse(status: head.status, headers: head.headers, body: body)
            return (request, head.keepAlive && buffer.isEmpty)
        }
    }

    nonisolated(nonsending) func readHead(method: String) async throws(HTTPClientError) -> HTTPResponseHead {
        while true {
            do {
                if case .complete(let head, let bodyStart) = try parser.parseResponse(
                    buffer.storage, start: buffer.start, end: buffer.end, requestMethod: method)
                {
                    buffer.consume(bodyStart - buffer.start)
                    return head
                }
            } catch {
                throw .sentThenFailed("malformed response: \(error.reason)")
            }
            try await readMore(limit: 128 * 1024)
        }
    }

    nonisolated(nonsending) func readBody(_ framing: HTTPBodyFraming, maxBody: Int) async throws(HTTPClientError)
        -> [UInt8]
    {
        switch framing {
        case .none:
            return []
        case .contentLength(let length):
            guard length <= maxBody else { throw .sentThenFailed("response body too large") }
            var body: [UInt8] = []
            body.reserveCapacity(length)
            while true {
                let take = min(length - body.count, buffer.count)
                body.append(contentsOf: buffer.storage[buffer.start..<buffer.start + take])
                buffer.consume(take)
                if body.count == length { return body }
                try await readMore(limit: 256 * 1024)
            }
        case .chunked:
            var decoder = ChunkedDecoder(maxBodyBytes: maxBody)
            var body: [UInt8] = []
            while true {
                do {
                    let next = try decoder.decode(buffer.storage, start: buffer.start, end: buffer.end, into: &body)
                    buffer.consume(next - buffer.start)
                } catch {
                    throw .sentThenFailed("malformed chunked response: \(error.reason)")
                }
                if decoder.isComplete { return body }
                try await readMore(limit: 256 * 1024)
            }
        case .untilClose:
            var body: [UInt8] = []
            while true {
                body.append(contentsOf: buffer.storage[buffer.start..<buffer.end])
                buffer.consume(buffer.count)
                guard body.count <= maxBody else { throw .sentThenFailed("response body too large") }
                switch await transport.read(into: &buffer, limit: 256 * 1024) {
                case .bytes: continue
                case .eof: return body
                case .timedOut: throw .timedOut(sent: true)
                case .cancelled: throw .sentThenFailed("cancelled")
                case .failed(let why): throw .sentThenFailed(why)
                }
            }
        }
    }

    nonisolated(nonsending) func readMore(limit: Int) async throws(HTTPClientError) {
        switch await transport.read(into: &buffer, limit: limit) {
        case .bytes: return
        case .eof: throw .sentThenFailed("connection closed before the response was complete")
        case .timedOut: throw .timedOut(sent: true)
        case .cancelled: throw .sentThenFailed("cancelled")
        case .failed(let why): throw .sentThenFailed(why)
        }
    }
}
