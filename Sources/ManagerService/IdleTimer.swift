import Reactor
import Synchronization

/// The idle scan's timer (docs/manager.md, "Idle handling"): the scan sleeps until the table's next due deadline
/// (a lease lapsing, a pause or stop threshold) and no longer; a table change that brings a deadline forward wakes
/// it early. No deadline at all: it sleeps until a change. The deadline is a timer on the primary loop's heap
/// (`LoopTimer`), not a task sleeping (docs/architecture.md, "Concurrency model").
///
/// The deadline is armed by the worker actor (`arm`) in the same step that computed it, and every later change
/// reports its new deadline (`tableChanged`) from that actor too, so no change between computing and sleeping is
/// missed: an earlier deadline reported before `sleep` parks makes `sleep` return at once.
final class IdleTimer: Sendable {
    private struct State {
        /// The deadline the next `sleep` waits for (nil: none), or nil with `armed == false` while the scan runs.
        var deadline: Duration?
        var armed = false
        /// A change brought the deadline forward (or `stop`): `sleep` returns at once.
        var woken = false
        var sleeper: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// True while `sleep` is parked (tests wait for it before they change the table).
    var isParked: Bool { state.withLock { $0.sleeper != nil } }

    /// Sets the deadline the next `sleep` waits for (the worker actor calls this after computing it).
    func arm(_ deadline: Duration?) {
        state.withLock { s in
            s.deadline = deadline
            s.armed = true
            s.woken = false
        }
    }

    /// The table changed; its next deadline is now `deadline`. Wakes the scan when that is earlier than the one it
    /// waits for.
    func tableChanged(nextDeadline deadline: Duration?) {
        guard let deadline else { return }
        let sleeper = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard s.armed, !s.woken, s.deadline.map({ deadline < $0 }) ?? true else { return nil }
            s.woken = true
            defer { s.sleeper = nil }
            return s.sleeper
        }
        sleeper?.resume()
    }

    /// Wakes the scan now (cancellation).
    func wake() {
        let sleeper = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.woken = true
            defer { s.sleeper = nil }
            return s.sleeper
        }
        sleeper?.resume()
    }

    /// Sleeps until the armed deadline or a wake-up, at least `minimum`; disarms. `now` is the time on the deadline's
    /// time line (the Manager's clock).
    func sleep(now: Duration, minimum: Duration) async {
        let deadline = state.withLock { $0.deadline }
        let timer = deadline.map { deadline in
            let timer = LoopTimer { [weak self] in self?.wake() }
            timer.schedule(after: max(minimum, deadline - now))
            return timer
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let parked = state.withLock { s -> Bool in
                    guard !s.woken else { return false }
                    s.sleeper = continuation
                    return true
                }
                if !parked { continuation.resume() }
            }
        } onCancel: {
            wake()
        }
        timer?.cancel()
        state.withLock { s in
            s.armed = false
            s.woken = false
            s.sleeper = nil
        }
    }
}
