public import HTTP1

/// What one successful trip to a worker's RIE produced, with the measurements the front logs and exports.
///
/// "Successful" means the RIE answered: a function error (`{"errorMessage":...}` with status 200, or the RIE's
/// 502 `Runtime.ExitError` when the runtime died) is still an outcome; the front maps it (§3.5).
public struct InvocationOutcome: Sendable, Equatable {
    /// The RIE's HTTP status.
    public var status: Int
    /// The RIE's response headers (the RIE sends `text/plain` for every payload).
    public var headers: HTTPHeaders
    /// The function's payload exactly as the RIE sent it.
    public var body: [UInt8]
    /// Docker's full container id of the worker that ran the invocation.
    public var workerID: String
    /// True when this invocation was the first one on a worker the Manager had just handed over
    /// (or the first after the RIE reset its runtime): the function's init ran.
    public var coldStart: Bool
    /// Time spent waiting for a worker (free worker, Manager call, cold start), summed over the retry.
    public var queueWait: Duration
    /// Time from sending the event to the RIE until its complete answer.
    public var functionTime: Duration
}

/// Why an invocation produced no outcome. The front maps each case to its status (§3.5, §3.6, §3.7).
public enum InvocationFailure: Error, Sendable, Equatable {
    /// No worker became free within `POOL_ACQUIRE_TIMEOUT` (cold start included) → 429.
    case throttled
    /// The function ran past its `timeout` → 504.
    case functionTimedOut
    /// The worker was unreachable twice (two workers), or broke after the event was delivered → 502.
    case workerFailed(String)
    /// The Manager could not be reached, or said Docker is unreachable, and no leased worker could serve → 503.
    case managerUnavailable(String)
    /// The function's image does not exist (the Manager named it) → 502, logged.
    case imageMissing(String)
    /// The Manager does not know the function → 404.
    case unknownFunction(String)
}

/// The size of one function's pool, for metrics (§3.9). A worker the gateway holds is never paused: `paused` is the
/// Manager's count of the function's paused (released, frozen) workers, as of the last heartbeat.
public struct PoolStats: Sendable, Equatable {
    /// Workers running at least one invocation.
    public var busy = 0
    /// Leased workers with no invocation running.
    public var idle = 0
    /// Requests waiting for a worker.
    public var waiting = 0
    /// Workers asked of the Manager and not yet handed over.
    public var coming = 0
    /// The Manager's paused workers of the function (heartbeat answer).
    public var paused = 0

    /// Workers leased to this gateway for the function.
    public var leased: Int { busy + idle }
}
