import Synchronization

/// Whether the first Adopt & Sync (§4.4) has filled the worker table, and a place for API calls to wait for it
/// (docs/manager.md, "Start-up"). Before the first sync the table is empty: a heartbeat answered from it would
/// revoke every worker a gateway holds, and a lease would cold-start beyond `max_concurrency`.
final class FirstSync: Sendable {
    /// How long an API call waits for the first sync attempt before it is answered 503.
    static let defaultWait = Duration.seconds(10)

    private enum Waiter {
        case pending
        case woken
        case parked(CheckedContinuation<Void, Never>)
    }

    private struct State {
        /// A sync has succeeded: the table holds what Docker has.
        var synced = false
        /// The first sync attempt has ended (succeeded or failed): nobody waits any more.
        var attempted = false
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiter: UInt64 = 0

        mutating func wake(_ id: UInt64) -> CheckedContinuation<Void, Never>? {
            switch waiters[id] {
            case .parked(let continuation):
                waiters[id] = nil
                return continuation
            case .pending:
                waiters[id] = .woken
                return nil
            case .woken, nil:
                return nil
            }
        }

        mutating func wakeAll() -> [CheckedContinuation<Void, Never>] {
            Array(waiters.keys).compactMap { wake($0) }
        }
    }

    private let state = Mutex(State())

    /// True once a sync has succeeded.
    var isSynced: Bool { state.withLock { $0.synced } }

    /// A sync succeeded: every waiting call goes ahead.
    func succeeded() {
        let woken = state.withLock { s in
            s.synced = true
            s.attempted = true
            return s.wakeAll()
        }
        for continuation in woken { continuation.resume() }
    }

    /// A sync attempt failed (Docker unreachable): waiting calls are answered 503 now, later ones at once, until a
    /// sync succeeds.
    func attemptFailed() {
        let woken = state.withLock { s in
            s.attempted = true
            return s.wakeAll()
        }
        for continuation in woken { continuation.resume() }
    }

    /// Waits until the first sync attempt ended or `timeout` passed; true when the table is filled.
    func wait(timeout: Duration = FirstSync.defaultWait) async -> Bool {
        guard
            let id = state.withLock({ s -> UInt64? in
                guard !s.attempted else { return nil }
                s.nextWaiter += 1
                s.waiters[s.nextWaiter] = .pending
                return s.nextWaiter
            })
        else { return isSynced }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.wake(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let parked = state.withLock { s -> Bool in
                    guard case .pending = s.waiters[id] else { return false }
                    s.waiters[id] = .parked(continuation)
                    return true
                }
                if !parked { continuation.resume() }
            }
        } onCancel: {
            wake(id)
        }
        state.withLock { s in
            if case .woken = s.waiters[id] { s.waiters[id] = nil }
        }
        timer.cancel()
        return isSynced
    }

    private func wake(_ id: UInt64) {
        state.withLock { $0.wake(id) }?.resume()
    }
}
