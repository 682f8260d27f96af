import ManagerAPI
import Synchronization

/// The workers that left the table (died, OOM-killed, removed behind the Manager's back, or removed by it), each
/// with a sequence number, for `GET /v1/workers/gone` (docs/manager-api.md): a gateway long-polls it and drops
/// such a worker at once instead of finding it dead on its next request or heartbeat.
final class GoneWorkers: Sendable {
    /// How many recent departures are kept; a caller further behind gets these (and its heartbeat covers the rest).
    static let capacity = 1024

    /// A waiting caller: registered under the lock that found nothing new, so a departure recorded before it parks
    /// is not missed (it finds itself `woken` and does not park).
    private enum Waiter {
        case pending
        case woken
        case parked(CheckedContinuation<Void, Never>)
    }

    private struct State {
        var seq: UInt64 = 0
        var recent: [(seq: UInt64, id: WorkerID)] = []
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiter: UInt64 = 0
        /// Shutting down: every wait answers at once.
        var closed = false

        /// Wakes one waiter: its continuation when parked (to resume outside the lock), else marks it.
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
    }

    private let state = Mutex(State())

    /// The newest sequence number.
    var seq: UInt64 { state.withLock { $0.seq } }

    /// Polls parked right now (tests wait for one before they record).
    var parkedCount: Int {
        state.withLock { s in s.waiters.values.filter { if case .parked = $0 { true } else { false } }.count }
    }

    /// Records departures and wakes every waiting caller.
    func record(_ ids: [WorkerID]) {
        guard !ids.isEmpty else { return }
        let woken = state.withLock { s in
            for id in ids {
                s.seq += 1
                s.recent.append((s.seq, id))
            }
            if s.recent.count > Self.capacity { s.recent.removeFirst(s.recent.count - Self.capacity) }
            return Array(s.waiters.keys).compactMap { s.wake($0) }
        }
        for continuation in woken { continuation.resume() }
    }

    /// Answers every waiting caller now, and every later one at once (shutdown).
    func close() {
        let woken = state.withLock { s in
            s.closed = true
            return Array(s.waiters.keys).compactMap { s.wake($0) }
        }
        for continuation in woken { continuation.resume() }
    }

    /// What left after `after`: nil when nothing did yet. No `after` answers the current cursor with no ids (the
    /// caller starts from now). An `after` larger than any number handed out comes from before a Manager restart:
    /// it gets every departure kept since this process started (a sync after the restart forgets the workers that
    /// died meanwhile).
    func answer(after: UInt64?) -> GoneReply? {
        state.withLock { s in Self.answer(s, after: after) }
    }

    private static func answer(_ s: State, after: UInt64?) -> GoneReply? {
        guard let after else { return GoneReply(seq: s.seq, workers: []) }
        if after > s.seq { return GoneReply(seq: s.seq, workers: s.recent.map(\.id)) }
        let ids = s.recent.filter { $0.seq > after }.map(\.id)
        if ids.isEmpty && !s.closed { return nil }
        return GoneReply(seq: s.seq, workers: ids)
    }

    /// Answers as soon as some worker left after `after`, or after `timeout` with no ids (the caller asks again).
    func wait(after: UInt64?, timeout: Duration) async -> GoneReply {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let ready = answer(after: after) { return ready }
            if ContinuousClock.now >= deadline || Task.isCancelled { return GoneReply(seq: seq, workers: []) }
            await park(until: deadline, after: after)
        }
    }

    /// Parks until `record`, `deadline` or cancellation, whichever comes first. Registers under the lock only if
    /// nothing arrived after `after` meanwhile.
    private func park(until deadline: ContinuousClock.Instant, after: UInt64?) async {
        guard
            let id = state.withLock({ s -> UInt64? in
                guard Self.answer(s, after: after) == nil else { return nil }
                s.nextWaiter += 1
                s.waiters[s.nextWaiter] = .pending
                return s.nextWaiter
            })
        else { return }
        let timer = Task { [weak self] in
            try? await Task.sleep(until: deadline, clock: .continuous)
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
    }

    private func wake(_ id: UInt64) {
        state.withLock { $0.wake(id) }?.resume()
    }
}
