import Foundation
import HTTP1
import Posix
@testable import Reactor
import TLS

/// Certificates and temp paths shared by the tests (one self-signed P-256 certificate per process).
enum Fixtures {
    static let directory: String = {
        let path = NSTemporaryDirectory() + "reactor-tests-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    static let certificate: (cert: String, key: String) = {
        let cert = directory + "/server.crt", key = directory + "/server.key"
        try! SelfSignedCertificate.write(certificatePath: cert, keyPath: key)
        return (cert, key)
    }()

    static func serverTLS() throws -> TLSServerContext {
        try TLSServerContext(certificatePath: certificate.cert, keyPath: certificate.key)
    }

    static func verifyingClientTLS() throws -> TLSClientContext {
        try TLSClientContext(caFile: certificate.cert, verify: true)
    }

    static func socketPath(_ name: String) -> String { directory + "/\(name)-\(UInt16.random(in: 0...9999)).sock" }
}

/// A handler that answers with what it received, so tests can check method, target, headers and body.
let echoHandler: HTTPHandler = { request, info in
    var headers: HTTPHeaders = ["Content-Type": "text/plain", "X-Method": request.method, "X-Target": request.target]
    headers.add(name: "X-Connection-Id", value: String(info.connectionID))
    headers.add(name: "X-Peer", value: info.peerAddress)
    headers.add(name: "X-TLS", value: info.isTLS ? "1" : "0")
    return HTTPResponse(status: 200, headers: headers, body: request.body)
}

/// Starts a server on 127.0.0.1:0 (or the given address) and returns it with its port.
func startServer(
    tls: Bool = false, listen: ListenAddress = .tcp(host: "127.0.0.1", port: 0),
    configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    handler: @escaping HTTPHandler = echoHandler
) throws -> (HTTPServer, Int) {
    var configuration = HTTPServerConfiguration(listen: listen, tls: tls ? try Fixtures.serverTLS() : nil)
    configure(&configuration)
    let server = HTTPServer(configuration: configuration, handler: handler)
    let port = try server.start()
    return (server, port)
}

/// Threads for the blocking raw clients, so they never block Swift's cooperative pool.
let rawPool = BlockingPool(threads: 16)

/// A blocking test client that writes exact bytes and reads raw responses: it stands in for the
/// misbehaving and slow clients (curl-like, or hostile) a real server meets. Its receive timeout is only a safety
/// net (every test expects an answer or a close long before it): generous, for a loaded machine.
final class RawConnection: @unchecked Sendable {
    var fd: FileDescriptor?
    var tls: TLSSession?
    var raw: Int32 = -1

    init(port: Int, tls useTLS: Bool = false, unixPath: String? = nil, receiveTimeout: Int = 30) throws {
        let address = unixPath.flatMap { SocketAddress(unixPath: $0) } ?? SocketAddress(ip: "127.0.0.1", port: port)!
        let pending = try Socket.connect(to: address)
        let inProgress = pending.inProgress
        let fd = pending.takeDescriptor()
        if inProgress {
            var p = pollfd(fd: fd.rawValue, events: Int16(POLLOUT), revents: 0)
            _ = poll(&p, 1, 5000)
            if let error = Socket.connectResult(fd) { throw error }
        }
        try fd.setNonBlocking(false)
        var tv = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        setsockopt(fd.rawValue, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        if useTLS {
            let session = try TLSSession(
                client: try TLSClientContext(verify: false), socket: fd.rawValue, serverName: "localhost")
            guard case .done = try session.handshake() else { throw TLSError("blocking handshake did not finish") }
            tls = consume session
        }
        raw = fd.rawValue
        self.fd = consume fd
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n: Int = try bytes[offset...].withUnsafeBytes { raw in
                if tls != nil {
                    guard case .done(let n) = try tls!.write(from: raw.baseAddress!, count: raw.count) else {
                        return -1
                    }
                    return n
                }
                let n = Glibc.send(self.raw, raw.baseAddress!, raw.count, Int32(MSG_NOSIGNAL))
                return n
            }
            guard n > 0 else { throw PosixError(code: EPIPE, operation: "test send") }
            offset += n
        }
    }

    /// Reads until EOF, timeout, or `until` says the bytes so far are enough.
    func receive(until done: ([UInt8]) -> Bool = { _ in false }) -> (bytes: [UInt8], closed: Bool) {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !done(out) {
            let n: Int = chunk.withUnsafeMutableBytes { raw in
                if tls != nil {
                    switch try? tls!.read(into: raw.baseAddress!, count: raw.count) {
                    case .done(let n)?: return n
                    case .closed?: return 0
                    default: return -1
                    }
                }
                let r = Glibc.read(self.raw, raw.baseAddress!, raw.count)
                if r < 0 { return errno == ECONNRESET ? 0 : -1 }
                return r
            }
            if n == 0 { return (out, true) }
            if n < 0 { return (out, false) }
            out += chunk[0..<n]
        }
        return (out, false)
    }

    /// Reads one complete response (head + Content-Length body).
    func receiveResponse() -> (text: String, closed: Bool) {
        let (bytes, closed) = receive(until: RawConnection.hasCompleteResponse)
        return (String(decoding: bytes, as: UTF8.self), closed)
    }

    static func hasCompleteResponse(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let headEnd = text.range(of: "\r\n\r\n") else { return false }
        let head = text[..<headEnd.lowerBound].lowercased()
        var length = 0
        for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
            length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return text.utf8.count - text.distance(from: text.startIndex, to: headEnd.upperBound) >= length
    }

    func close() {
        tls = nil
        fd = nil
    }
}

/// Runs blocking raw-client code off the cooperative pool.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await rawPool.run { () throws(any Error) -> T in try body() }
}

func statusLine(_ response: String) -> String {
    response.components(separatedBy: "\r\n")[0]
}
