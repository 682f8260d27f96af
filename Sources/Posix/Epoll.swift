import CLinuxShims

/// An epoll instance: registration by descriptor with a 64-bit token, and a wait that fills parallel arrays.
public struct Epoll: ~Copyable, Sendable {
    /// Readiness bits (a subset of `EPOLL*`).
    public struct Events: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// Readable (or a pending accept, or EOF).
        public static let readable = Events(rawValue: CLinuxShims_EPOLLIN)
        /// Writable (or a finished connect).
        public static let writable = Events(rawValue: CLinuxShims_EPOLLOUT)
        /// The peer shut down its sending side.
        public static let readHangup = Events(rawValue: CLinuxShims_EPOLLRDHUP)
        /// Error condition (always reported).
        public static let error = Events(rawValue: CLinuxShims_EPOLLERR)
        /// Hang-up (always reported).
        public static let hangup = Events(rawValue: CLinuxShims_EPOLLHUP)
        /// Edge-triggered: one report per change of state.
        public static let edgeTriggered = Events(rawValue: CLinuxShims_EPOLLET)
    }

    public let fd: FileDescriptor

    /// Creates an epoll instance (close-on-exec).
    public init() throws(PosixError) {
        let raw = try syscallBlocking("epoll_create1") { CLinuxShims_epoll_create1(CLinuxShims_EPOLL_CLOEXEC) }
        fd = FileDescriptor(takingOwnership: raw)
    }

    /// Registers `target` for `events`; `token` comes back with every event.
    public func add(_ target: Int32, events: Events, token: UInt64) throws(PosixError) {
        _ = try syscallBlocking("epoll_ctl(ADD)") {
            CLinuxShims_epoll_ctl(fd.rawValue, 1 /* EPOLL_CTL_ADD */, target, events.rawValue, token)
        }
    }

    /// Removes a descriptor (closing it also removes it).
    public func remove(_ target: Int32) {
        _ = CLinuxShims_epoll_ctl(fd.rawValue, 2 /* EPOLL_CTL_DEL */, target, 0, 0)
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) and fills `events`/`tokens`; returns the count.
    /// An interrupted wait returns 0.
    public func wait(
        events: UnsafeMutablePointer<UInt32>, tokens: UnsafeMutablePointer<UInt64>, capacity: Int32,
        timeoutMilliseconds: Int32
    ) throws(PosixError) -> Int {
        let n = CLinuxShims_epoll_wait(fd.rawValue, events, tokens, capacity, timeoutMilliseconds)
        if n >= 0 { return Int(n) }
        let error = PosixError.current("epoll_wait")
        if error.code == 4 /* EINTR */ { return 0 }
        throw error
    }
}
