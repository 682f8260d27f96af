#if canImport(Glibc)
    import Glibc
#endif
import CLinuxShims

/// Socket system calls over `FileDescriptor`: every socket is created non-blocking and close-on-exec.
public enum Socket {
    /// Creates a listening socket bound to `address`. `reusePort` sets `SO_REUSEPORT` so that several
    /// event loops can each own a listener on the same port (the kernel spreads connections).
    /// For Unix sockets a stale socket file at the path is removed first.
    public static func listen(
        on address: SocketAddress, reusePort: Bool = false, backlog: Int32 = 4096
    ) throws(PosixError) -> FileDescriptor {
        let fd = try open(family: address.family)
        if address.family == AF_UNIX {
            if let path = address.unixPath { unlink(path) }
        } else {
            try setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
            if reusePort { try setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1) }
            if address.family == AF_INET6 { try setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 0) }
        }
        _ = try syscallBlocking("bind") { address.withSockAddr { Glibc.bind(fd.rawValue, $0, $1) } }
        _ = try syscallBlocking("listen") { Glibc.listen(fd.rawValue, backlog) }
        return fd
    }

    /// Accepts one pending connection without blocking; the new socket is non-blocking.
    /// Returns nil when no connection is pending (would-block).
    public static func accept(_ listener: borrowing FileDescriptor) throws(PosixError) -> AcceptedSocket? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let flags = CLinuxShims_SOCK_NONBLOCK | CLinuxShims_SOCK_CLOEXEC
        let result = try syscall("accept4") {
            withUnsafeMutableBytes(of: &storage) { raw in
                CLinuxShims_accept4(
                    listener.rawValue, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length, flags)
            }
        }
        switch result {
        case .wouldBlock: return nil
        case .done(let fd): return AcceptedSocket(fd: fd, peer: SocketAddress(storage: storage, length: length))
        }
    }

    /// Starts a non-blocking connect. Returns the socket and whether the connect is still in progress
    /// (then wait for writability and call `connectResult`).
    public static func connect(to address: SocketAddress) throws(PosixError) -> PendingConnect {
        let fd = try open(family: address.family)
        do throws(PosixError) {
            let result = try syscall("connect") { address.withSockAddr { Glibc.connect(fd.rawValue, $0, $1) } }
            return PendingConnect(fd: fd, inProgress: result == .wouldBlock)
        } catch  where error.code == EINPROGRESS {
            return PendingConnect(fd: fd, inProgress: true)
        }
    }

    /// After an in-progress connect became writable: nil when connected, else the error.
    public static func connectResult(_ fd: borrowing FileDescriptor) -> PosixError? {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd.rawValue, SOL_SOCKET, SO_ERROR, &value, &length) != 0 { return .current("getsockopt") }
        return value == 0 ? nil : PosixError(code: value, operation: "connect")
    }

    /// True when `fd` is writable now (a zero-timeout poll): an in-progress connect has finished, either way
    /// (`connectResult` tells which). Never blocks.
    public static func isWritableNow(_ fd: borrowing FileDescriptor) -> Bool {
        var entry = pollfd(fd: fd.rawValue, events: Int16(POLLOUT), revents: 0)
        return poll(&entry, 1, 0) == 1
    }

    /// The address a socket is bound to (to read back the port of a `:0` listener).
    public static func localAddress(_ fd: borrowing FileDescriptor) throws(PosixError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try syscallBlocking("getsockname") {
            withUnsafeMutableBytes(of: &storage) { raw in
                getsockname(fd.rawValue, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length)
            }
        }
        return SocketAddress(storage: storage, length: length)
    }

    /// Turns off Nagle: responses are written whole, so delaying small segments only adds latency.
    public static func setNoDelay(_ fd: borrowing FileDescriptor) {
        _ = try? setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
    }

    /// Half-closes the sending side (FIN) while reads continue (lingering close).
    public static func shutdownWrite(_ fd: borrowing FileDescriptor) {
        _ = Glibc.shutdown(fd.rawValue, Int32(SHUT_WR))
    }

    /// For a socket that should be idle: true if the peer closed it or sent unexpected bytes (then the
    /// socket must not be reused); false when nothing is waiting (`EAGAIN`).
    public static func hasPendingInputOrEOF(_ fd: borrowing FileDescriptor) -> Bool {
        var byte: UInt8 = 0
        guard case .wouldBlock? = try? syscall("recv", { recv(fd.rawValue, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) })
        else { return true }
        return false
    }

    public static func setOption(_ fd: borrowing FileDescriptor, _ level: Int32, _ name: Int32, _ value: Int32)
        throws(PosixError)
    {
        var v = value
        _ = try syscallBlocking("setsockopt") {
            setsockopt(fd.rawValue, level, name, &v, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    static func open(family: Int32) throws(PosixError) -> FileDescriptor {
        let type = Int32(SOCK_STREAM.rawValue) | CLinuxShims_SOCK_NONBLOCK | CLinuxShims_SOCK_CLOEXEC
        let raw = try syscallBlocking("socket") { Glibc.socket(family, type, 0) }
        return FileDescriptor(takingOwnership: raw)
    }
}

/// A connection returned by `Socket.accept`: the new descriptor and the peer's address.
public struct AcceptedSocket: ~Copyable, Sendable {
    /// The connected socket (non-blocking).
    public var fd: FileDescriptor
    /// The peer's address (`unix` for Unix-domain sockets).
    public let peer: SocketAddress

    /// Takes the descriptor out (the caller becomes its owner).
    public consuming func takeDescriptor() -> FileDescriptor {
        fd
    }

    init(fd: Int32, peer: SocketAddress) {
        self.fd = FileDescriptor(takingOwnership: fd)
        self.peer = peer
    }
}

/// A socket whose non-blocking connect has started.
public struct PendingConnect: ~Copyable, Sendable {
    public var fd: FileDescriptor
    /// True while the connect is in progress: wait until writable, then check `Socket.connectResult`.
    public let inProgress: Bool

    /// Takes the descriptor out (the caller becomes its owner).
    public consuming func takeDescriptor() -> FileDescriptor {
        fd
    }
}

extension SocketAddress {
    /// The path of a Unix-domain address (nil for IP addresses or abstract sockets).
    public var unixPath: String? {
        guard family == AF_UNIX else { return nil }
        return withUnsafeBytes(of: storage) { raw in
            let offset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
            let bytes = raw[offset...].prefix { $0 != 0 }
            return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
        }
    }
}
