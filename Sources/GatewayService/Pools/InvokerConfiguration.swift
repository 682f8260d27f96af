/// Settings of the `FunctionInvoker` (§3.1, §3.7), with the defaults of docs/contract.md.
public struct InvokerConfiguration: Sendable {
    /// `MANAGER_URL`: `http://host:port` or `unix:///path`.
    public var managerURL: String
    /// `MANAGER_TOKEN`, sent as `X-ESB-Token`.
    public var managerToken: String
    /// `CONTAINER_CACHE_TTL`: a worker unused this long is released to the Manager.
    public var cacheTTL: Duration = .seconds(30)
    /// `POOL_ACQUIRE_TIMEOUT`: how long a request may wait for a worker, cold start included.
    public var acquireTimeout: Duration = .seconds(10)
    /// How often leases are renewed (§3.7: every 10 s; the Manager's lease timeout is 30 s).
    public var heartbeatInterval: Duration = .seconds(10)
    /// How often the TTL sweep runs (also sends a heartbeat at once when it released workers).
    public var sweepInterval: Duration = .seconds(1)
    /// Bound of the host cache: functions with a pool. The least recently used idle one is evicted beyond it.
    public var maxFunctions: Int = 1024
    /// Added to the function's `timeout` for the HTTP deadline of an invocation: the RIE answers its own timeout
    /// (`Task timed out after ...`) about 0.1 s late; the margin lets that answer arrive.
    public var invokeMargin: Duration = .seconds(2)
    /// Deadline of heartbeat, delete and list calls to the Manager.
    public var managerCallTimeout: Duration = .seconds(5)
    /// Deadline of `POST /v1/functions/{name}/workers` (a cold start may take the Manager's readiness timeout, 30 s).
    public var managerAcquireTimeout: Duration = .seconds(45)
    /// After the Manager answered `limit_reached`, wait this long before asking again for the same function.
    public var limitRetryDelay: Duration = .milliseconds(250)
    /// This gateway's stable id (`CONTAINER_NAME`, else the host name), sent as `X-ESB-Gateway` on lease and
    /// heartbeat calls; a restart rebuild takes over only workers the Manager lists with this id as `holder`.
    /// Empty: no header (the Manager's `default` holder).
    public var gatewayID: String = ""
    /// The time source.
    public var clock: any InvokerClock = SystemInvokerClock()
}
