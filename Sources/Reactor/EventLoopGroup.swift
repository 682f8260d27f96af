import Synchronization

/// The process's event loops, created on first use: loop 0 is the primary loop (`@Loop`); servers ask for
/// more (one per core) with `loops(count:)`.
public final class EventLoopGroup: Sendable {
    /// The process-wide group.
    public static let shared = EventLoopGroup()

    let storage = Mutex<[EventLoop]>([])

    /// The primary loop (index 0).
    public var primary: EventLoop { loops(count: 1)[0] }

    /// At least `count` loops (creating missing ones); returns the first `count`.
    public func loops(count: Int) -> [EventLoop] {
        storage.withLock { loops in
            while loops.count < max(count, 1) {
                do {
                    loops.append(try EventLoop(index: loops.count))
                } catch {
                    fatalError("cannot start event loop: \(error)")
                }
            }
            return Array(loops.prefix(max(count, 1)))
        }
    }
}
