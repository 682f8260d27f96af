#if canImport(Glibc)
    import Glibc
#endif

/// The single owner of an open file descriptor: closed exactly once, when the owner goes away or is
/// consumed by `close()`. Not copyable, so two owners can never close the same number.
public struct FileDescriptor: ~Copyable, Sendable {
    /// The descriptor number; valid while this owner lives.
    public let rawValue: Int32

    /// Takes ownership of an open descriptor.
    public init(takingOwnership rawValue: Int32) {
        self.rawValue = rawValue
    }

    deinit {
        // A failed close cannot be acted on here; Linux releases the number either way.
        _ = Glibc.close(rawValue)
    }

    /// Closes now (same as dropping the owner, but explicit at the call site).
    public consuming func close() {
        // deinit does the work.
    }

    /// Gives up ownership without closing; the caller now owns the number.
    public consuming func release() -> Int32 {
        let fd = rawValue
        discard self
        return fd
    }

    /// Reads up to `count` bytes into `buffer` without blocking. `.done(0)` is end of file.
    public func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(PosixError) -> IOResult<Int> {
        try syscall("read") { Glibc.read(rawValue, buffer, count) }
    }

    /// Writes up to `count` bytes without blocking; returns how many the kernel took.
    /// Uses `send(MSG_NOSIGNAL)` on sockets so a closed peer is `EPIPE`, not a SIGPIPE.
    public func write(from buffer: UnsafeRawPointer, count: Int) throws(PosixError) -> IOResult<Int> {
        try syscall("send") { Glibc.send(rawValue, buffer, count, Int32(MSG_NOSIGNAL)) }
    }

    /// Writes to a descriptor that is not a socket (pipes, eventfd, files).
    public func writeFile(from buffer: UnsafeRawPointer, count: Int) throws(PosixError) -> IOResult<Int> {
        try syscall("write") { Glibc.write(rawValue, buffer, count) }
    }

    public func setNonBlocking(_ on: Bool = true) throws(PosixError) {
        let flags = try syscallBlocking("fcntl") { fcntl(rawValue, F_GETFL) }
        let updated = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK
        _ = try syscallBlocking("fcntl") { fcntl(rawValue, F_SETFL, updated) }
    }
}
