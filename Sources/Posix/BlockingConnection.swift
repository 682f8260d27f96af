#if canImport(Glibc)
    import Glibc
#endif

/// A blocking TCP connection for a thread of its own (the log shipper, docs/observability.md): connect, each send
/// and each receive are bounded by `timeoutSeconds` (`SO_SNDTIMEO` also bounds a blocking connect on Linux).
/// Never use it on an event loop.
public struct BlockingConnection: ~Copyable {
    private let fd: FileDescriptor

    /// Resolves `host` (BLOCKS) and connects to the first address that accepts.
    public init(host: String, port: Int, timeoutSeconds: Int) throws(PosixError) {
        var lastError = PosixError(code: EHOSTUNREACH, operation: "no address for \(host)")
        for address in try SocketAddress.resolve(host: host, port: port) {
            let raw = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard raw >= 0 else {
                lastError = .current("socket")
                continue
            }
            let candidate = FileDescriptor(takingOwnership: raw)
            var limit = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            setsockopt(raw, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(raw, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            if address.withSockAddr({ Glibc.connect(raw, $0, $1) }) == 0 {
                fd = candidate
                return
            }
            lastError = .current("connect \(host):\(port)")
        }
        throw lastError
    }

    /// Sends every byte (retrying `EINTR`); a peer that went away is an error, never a `SIGPIPE`.
    public func sendAll(_ bytes: [UInt8]) throws(PosixError) {
        var offset = 0
        while offset < bytes.count {
            offset += try syscallBlocking("send") {
                bytes.withUnsafeBytes {
                    send(fd.rawValue, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
                }
            }
        }
    }

    /// Up to `maxBytes` received bytes; empty at the end of the stream. A timeout is an error (`EAGAIN`).
    public func receive(maxBytes: Int) throws(PosixError) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: maxBytes)
        let n = try syscallBlocking("recv") {
            chunk.withUnsafeMutableBytes { recv(fd.rawValue, $0.baseAddress, $0.count, 0) }
        }
        return Array(chunk[0..<n])
    }
}
