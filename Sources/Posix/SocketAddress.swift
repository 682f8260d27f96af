#if canImport(Glibc)
    import Glibc
#endif
import CLinuxShims

/// An IPv4, IPv6 or Unix-domain socket address (a `sockaddr_storage` and its length).
public struct SocketAddress: Sendable, Equatable, CustomStringConvertible {
    var storage: sockaddr_storage
    var length: socklen_t

    /// The address family (`AF_INET`, `AF_INET6`, `AF_UNIX`).
    public var family: Int32 { Int32(storage.ss_family) }

    init(storage: sockaddr_storage, length: socklen_t) {
        self.storage = storage
        self.length = length
    }

    /// A numeric IPv4 or IPv6 address (`127.0.0.1`, `::1`, `[::1]`); nil if `host` is not numeric.
    public init?(ip host: String, port: Int) {
        var text = host
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        var storage = sockaddr_storage()
        let p = UInt16(truncatingIfNeeded: port).bigEndian
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            withUnsafeMutableBytes(of: &storage) { raw in
                let sin = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                sin.pointee.sin_family = sa_family_t(AF_INET)
                sin.pointee.sin_port = p
                sin.pointee.sin_addr = v4
            }
            self.init(storage: storage, length: socklen_t(MemoryLayout<sockaddr_in>.size))
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            withUnsafeMutableBytes(of: &storage) { raw in
                let sin6 = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                sin6.pointee.sin6_family = sa_family_t(AF_INET6)
                sin6.pointee.sin6_port = p
                sin6.pointee.sin6_addr = v6
            }
            self.init(storage: storage, length: socklen_t(MemoryLayout<sockaddr_in6>.size))
            return
        }
        return nil
    }

    /// A Unix-domain socket path; nil if the path does not fit `sun_path`.
    public init?(unixPath path: String) {
        var storage = sockaddr_storage()
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        guard !bytes.isEmpty, bytes.count < capacity else { return nil }
        withUnsafeMutableBytes(of: &storage) { raw in
            let sun = raw.baseAddress!.assumingMemoryBound(to: sockaddr_un.self)
            sun.pointee.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &sun.pointee.sun_path) { path in
                path.copyBytes(from: bytes)
            }
        }
        let offset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
        self.init(storage: storage, length: socklen_t(offset + bytes.count + 1))
    }

    /// The port (0 for Unix sockets).
    public var port: Int {
        withUnsafeBytes(of: storage) { raw in
            switch family {
            case AF_INET: Int(UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port))
            case AF_INET6: Int(UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port))
            default: 0
            }
        }
    }

    /// The IP address as text (`127.0.0.1`, `::1`), or `unix` for Unix-domain sockets.
    public var ipText: String {
        let offset: Int
        switch family {
        case AF_INET: offset = MemoryLayout<sockaddr_in>.offset(of: \sockaddr_in.sin_addr)!
        case AF_INET6: offset = MemoryLayout<sockaddr_in6>.offset(of: \sockaddr_in6.sin6_addr)!
        default: return "unix"
        }
        var out = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        return withUnsafeBytes(of: storage) { raw -> String in
            guard inet_ntop(family, raw.baseAddress! + offset, &out, socklen_t(out.count)) != nil else { return "?" }
            return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// `ip:port`, `[ip6]:port` or `unix`.
    public var description: String {
        switch family {
        case AF_INET: "\(ipText):\(port)"
        case AF_INET6: "[\(ipText)]:\(port)"
        default: "unix"
        }
    }

    /// Byte-wise equality of the two addresses.
    public static func == (lhs: SocketAddress, rhs: SocketAddress) -> Bool {
        guard lhs.length == rhs.length else { return false }
        return withUnsafeBytes(of: lhs.storage) { a in
            withUnsafeBytes(of: rhs.storage) { b in
                memcmp(a.baseAddress!, b.baseAddress!, Int(lhs.length)) == 0
            }
        }
    }

    /// Calls `body` with the address as a `sockaddr` pointer and its length.
    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: storage) { raw in
            try body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }

    /// Resolves a host name (or numeric address) to TCP addresses with `getaddrinfo`. BLOCKS: call it
    /// off the event loop (the Reactor's blocking pool does).
    public static func resolve(host: String, port: Int) throws(PosixError) -> [SocketAddress] {
        if let numeric = SocketAddress(ip: host, port: port) { return [numeric] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0 else {
            // getaddrinfo has its own codes; report as EHOSTUNREACH-like with the resolver's text.
            let text = gai_strerror(rc).map { String(cString: $0) } ?? "resolve failed"
            throw PosixError(code: EHOSTUNREACH, operation: "getaddrinfo(\(host)): \(text)")
        }
        defer { freeaddrinfo(list) }
        var result: [SocketAddress] = []
        var node = list
        while let n = node {
            if let addr = n.pointee.ai_addr, n.pointee.ai_addrlen <= socklen_t(MemoryLayout<sockaddr_storage>.size) {
                var storage = sockaddr_storage()
                withUnsafeMutableBytes(of: &storage) { raw in
                    raw.baseAddress!.copyMemory(from: addr, byteCount: Int(n.pointee.ai_addrlen))
                }
                result.append(SocketAddress(storage: storage, length: n.pointee.ai_addrlen))
            }
            node = n.pointee.ai_next
        }
        // Prefer IPv4 first: container networks and loopback setups here are IPv4.
        return result.filter { $0.family == AF_INET } + result.filter { $0.family != AF_INET }
    }
}
