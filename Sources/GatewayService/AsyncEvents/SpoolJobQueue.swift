import Posix

/// A record waiting for the spool's writer thread, with the admission waiting for its fsync (nil for records that
/// need no fsync: `done` and `progress`).
struct SpoolJob: Sendable {
    struct Admission: Sendable {
        var id: String
        var payloadOffset: Int
        var payloadLength: Int
        var continuation: CheckedContinuation<Result<Void, EventSpool.AdmitError>, Never>
    }

    var bytes: [UInt8]
    var admission: Admission?
    /// Bytes reserved against `EVENT_SPOOL_MAX_BYTES` at admission.
    var reserved: Int
}

/// The hand-off to the writer thread: whatever queued while the previous batch was being written and fsynced is
/// taken as one batch, written with one `write` and made durable with one `fdatasync` (group commit,
/// docs/async-invocations.md).
final class SpoolJobQueue: @unchecked Sendable {
    // @unchecked: every field is read and written under `condition` only.
    private let condition = ConditionLock()
    private var jobs: [SpoolJob] = []
    private var closed = false

    func push(_ job: SpoolJob) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// The next batch; blocks while empty; nil once closed and drained.
    func take() -> [SpoolJob]? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty && !closed { condition.wait() }
        if jobs.isEmpty { return nil }
        defer { jobs = [] }
        return jobs
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
