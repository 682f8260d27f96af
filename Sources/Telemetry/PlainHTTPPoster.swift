import Glibc

/// A minimal blocking HTTP/1.1 POST over plain TCP, for the log shipper's own thread.
///
/// Log shipping must not depend on the event loop it reports on, and VictoriaLogs sits on the box's internal
/// network, so plain HTTP with one request per connection (`Connection: close`) is enough: a batch is sent at
/// most about once a second.
struct PlainHTTPPoster: Sendable {
    /// Host name or address.
    let host: String
    /// TCP port.
    let port: Int
    /// Deadline for connect, send and receive, each.
    let timeoutSeconds: Int

    /// Why a POST failed.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// POSTs `body` to `target` and returns the status code.
    func post(target: String, body: [UInt8], contentType: String) throws(Failure) -> Int {
        let fd = try connect()
        defer { close(fd) }
        let head = "POST \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Type: \(contentType)\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        try sendAll(fd, Array(head.utf8) + body)
        return try readStatus(fd)
    }

    private func connect() throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else { throw Failure(description: "cannot resolve \(host): \(String(cString: gai_strerror(rc)))") }
        defer { freeaddrinfo(list) }
        var lastError = "no address for \(host)"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 { continue }
            var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
            lastError = "connect \(host):\(port): \(String(cString: strerror(errno)))"
            close(fd)
        }
        throw Failure(description: lastError)
    }

    private func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: a peer that went away is an error here, not a SIGPIPE for the whole process.
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else {
                throw Failure(description: "send to \(host):\(port): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Reads until the status line is complete; the rest of the answer is not needed.
    private func readStatus(_ fd: Int32) throws(Failure) -> Int {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 512)
        while !received.contains(0x0A) && received.count < 8192 {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { received += chunk[0..<n] } else if n < 0 && errno == EINTR { continue } else {
                throw Failure(description: "no answer from \(host):\(port)")
            }
        }
        let line = String(decoding: received.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw Failure(description: "bad status line from \(host):\(port): \(line.prefix(80))")
        }
        return status
    }
}
