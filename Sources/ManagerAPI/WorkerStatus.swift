/// Docker's full container id: the one name a worker has on both sides of the Manager API (docs/manager-api.md).
public typealias WorkerID = String

/// How a lease obtained a worker: the `state` of an entry in a `POST /v1/functions/{name}/workers` answer.
public enum LeaseKind: String, Sendable, Hashable, CaseIterable {
    /// Released and running: handed over at once.
    case warm
    /// Was paused: unpaused, then handed over.
    case resumed
    /// Cold start: created, started and ready.
    case new
}

/// Where a worker is in its life: the `state` of an entry in `GET /v1/workers`.
public enum WorkerState: String, Sendable, Hashable, CaseIterable {
    /// A cold start is in progress.
    case starting
    /// Running (also while a pause or unpause is under way).
    case running
    /// Frozen by `docker pause`.
    case paused
    /// Being stopped and removed.
    case stopped
}

/// The `state` field of a worker entry. The wire uses one key for two things (docs/manager-api.md): an acquire
/// answer says how the worker was obtained, a listing where it is in its life. The two sets of words do not
/// overlap, so the text alone says which one it is; a word this version does not know is kept, not rejected.
public enum WorkerStatus: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// An acquire answer's entry.
    case leased(LeaseKind)
    /// A listing's entry.
    case life(WorkerState)
    /// A word neither set has (a newer Manager).
    case unknown(String)

    /// The status the wire word names.
    public init(_ text: String) {
        if let kind = LeaseKind(rawValue: text) {
            self = .leased(kind)
        } else if let state = WorkerState(rawValue: text) {
            self = .life(state)
        } else {
            self = .unknown(text)
        }
    }

    /// Lets tests and stand-ins write the wire word.
    public init(stringLiteral value: String) { self.init(value) }

    public var description: String {
        switch self {
        case .leased(let kind): kind.rawValue
        case .life(let state): state.rawValue
        case .unknown(let text): text
        }
    }

    /// How the worker was obtained, for an acquire answer's entry.
    public var leaseKind: LeaseKind? {
        if case .leased(let kind) = self { return kind }
        return nil
    }

    /// The worker's life-cycle state, for a listing's entry.
    public var workerState: WorkerState? {
        if case .life(let state) = self { return state }
        return nil
    }
}
