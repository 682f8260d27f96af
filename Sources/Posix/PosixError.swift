#if canImport(Glibc)
    import Glibc
#endif

/// A failed system call: the `errno` value and the name of the call, for logs and tests.
public struct PosixError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `errno` value the call left behind.
    public let code: Int32
    /// The system call (or library function) that failed.
    public let operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// Captures the current `errno`.
    public static func current(_ operation: String) -> PosixError {
        PosixError(code: errno, operation: operation)
    }

    /// `operation: strerror(code) (errno N)`.
    public var description: String {
        let text = strerror(code).map { String(cString: $0) } ?? "error"
        return "\(operation): \(text) (errno \(code))"
    }

    /// True for `EAGAIN`/`EWOULDBLOCK`: a non-blocking call (or a lock taken without waiting) could not proceed.
    public var isWouldBlock: Bool { code == EAGAIN || code == EWOULDBLOCK }

    /// True for the "peer went away" family: reset, broken pipe, not connected.
    public var isConnectionLoss: Bool {
        code == ECONNRESET || code == EPIPE || code == ENOTCONN || code == ECONNABORTED
    }
}

/// The result of a non-blocking operation: done, or the descriptor is not ready (`EAGAIN`).
/// Would-block is a value, not an error, so callers branch on it without `catch`.
public enum IOResult<Value: Sendable>: Sendable {
    /// The operation completed with this value.
    case done(Value)
    /// The descriptor is not ready; wait for readiness and try again.
    case wouldBlock
}

extension IOResult: Equatable where Value: Equatable {}

/// The one place system calls retry `EINTR`: returns the call's result, or throws the `errno`.
/// `EAGAIN`/`EWOULDBLOCK` come back as `.wouldBlock`.
@inline(__always)
func syscall<T: BinaryInteger & Sendable>(_ name: String, _ body: () -> T) throws(PosixError) -> IOResult<T> {
    while true {
        let result = body()
        if result >= 0 { return .done(result) }
        let code = errno
        if code == EINTR { continue }
        if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
        throw PosixError(code: code, operation: name)
    }
}

/// Like `syscall` for calls that cannot block (or where would-block is itself an error).
@inline(__always)
func syscallBlocking<T: BinaryInteger & Sendable>(_ name: String, _ body: () -> T) throws(PosixError) -> T {
    guard case .done(let result) = try syscall(name, body) else { throw PosixError(code: EAGAIN, operation: name) }
    return result
}
