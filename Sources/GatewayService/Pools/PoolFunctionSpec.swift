public import HTTP1

/// What the pools need to know of a function (a projection of `FunctionConfig`, §2.1).
public struct PoolFunctionSpec: Sendable, Equatable {
    /// The function's name (`[a-z0-9][a-z0-9_.-]{0,62}`).
    public var name: String
    /// Most workers the gateway leases for it (`max_concurrency`).
    public var maxConcurrency: Int
    /// Overlapping invocations one worker's RIE may serve (`rie_concurrency`, default 1: never two).
    public var rieConcurrency: Int
    /// The function's `timeout`.
    public var timeout: Duration
    /// Identity of the rest of the function's settings (image, environment, memory): when it changes, the
    /// function's current workers are retired (released after their invocation) and new ones acquired.
    public var revision: String

    /// A spec; `maxConcurrency` and `rieConcurrency` are raised to at least 1.
    public init(name: String, maxConcurrency: Int, rieConcurrency: Int = 1, timeout: Duration, revision: String = "") {
        self.name = name
        self.maxConcurrency = max(1, maxConcurrency)
        self.rieConcurrency = max(1, rieConcurrency)
        self.timeout = timeout
        self.revision = revision
    }
}

/// A worker leased to this gateway.
public struct PoolWorker: Sendable, Equatable {
    /// Docker's full container id.
    public var id: String
    /// The function it runs.
    public var function: String
    /// Its RIE.
    public var endpoint: HTTPEndpoint
}

/// A worker handed to one request: use it, then give it back with `PoolRegistryState.finish`.
struct WorkerGrant: Sendable, Equatable {
    var worker: PoolWorker
    /// First invocation on a fresh worker (or after an RIE reset).
    var coldStart: Bool
}

/// What to do with a worker once a request is done with it.
enum WorkerDisposition: Sendable, Equatable {
    /// It answered: keep serving.
    case keep
    /// The RIE timed the function out and reset its runtime: keep it, the next invocation is a cold start.
    case reinitialised
    /// Broken (unreachable, connection broke, no answer): drop it and ask the Manager to delete it.
    case broken
}

/// Side effects the pool state machine asks its owner to carry out, outside the lock.
enum PoolEffect: Sendable, Equatable {
    /// Hand `grant` to the waiting request `waiter`.
    case grant(waiter: UInt64, WorkerGrant)
    /// Fail the waiting request `waiter`.
    case fail(waiter: UInt64, InvocationFailure)
    /// Call the Manager: lease `count` more workers of `function`.
    case requestWorkers(function: String, count: Int)
    /// Call the Manager: delete this broken worker.
    case deleteWorker(id: String)
    /// Come back (call `retryDue`) at `at`: the Manager said `limit_reached` a moment ago.
    case scheduleRetry(function: String, at: Duration)
    /// Workers were released: tell the Manager now rather than at the next heartbeat.
    case flushReleases
}
