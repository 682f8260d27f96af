import ManagerAPI

/// What the Manager knows about one worker container. Times are monotonic, measured from the manager's clock
/// origin (see `ManagerClock`).
struct WorkerRecord: Sendable, Equatable {
    /// Where the container is in its life.
    enum State: Sendable, Equatable {
        /// A slot reserved for a cold start in progress (no container id yet).
        case starting
        /// Running and, unless leased, free to hand out.
        case running
        /// `docker pause` in progress.
        case pausing
        /// Paused (frozen): resumed before it is handed out.
        case paused
        /// `docker unpause` in progress.
        case resuming
        /// Being stopped and removed.
        case stopping
    }

    /// Who holds the worker's lease.
    enum Holder: Sendable, Equatable {
        /// Nobody: released, the idle clock runs.
        case none
        /// The gateway with this id (`X-ESB-Gateway`; `default` when a caller sends none), through
        /// `POST /v1/functions/{name}/workers` and its heartbeats. Only this gateway renews or releases it.
        case gateway(String)
        /// The compatibility call `POST /containers/ensure` (no heartbeat: its lease just lapses).
        case ensure
        /// Adopted at start, holder not known yet: held until a gateway's heartbeat lists it (that gateway
        /// becomes the holder) or the lease timeout passes (then released).
        case adoption
    }

    /// Docker's full container id (a `starting-N` placeholder while starting).
    var key: String
    /// Docker's name, `esb-<function>-<8 hex>`.
    var name: String
    /// The function it runs.
    let function: String
    /// The function's config hash the container was created with.
    var configHash: String
    /// Where its RIE answers (empty while starting).
    var host: String = ""
    var port: Int = 0
    var state: State
    var holder: Holder = .none
    /// When the lease lapses unless renewed.
    var leaseExpiry: Duration?
    /// When it was last leased, renewed or released: the idle clock's origin.
    var lastUsed: Duration
    /// When the Manager created (or adopted) it.
    var created: Duration
    /// Its configuration is outdated: hand it out no more, remove it once released.
    var retired = false
    /// The gateway was told to drop it (listed in `revoked`).
    var revoked = false

    /// True while someone holds a lease.
    var isLeased: Bool { holder != .none }

    /// The id of the gateway holding the lease; nil when released, adopted and not yet claimed, or held
    /// by the compatibility `ensure` call.
    var gatewayID: String? {
        if case .gateway(let id) = holder { return id }
        return nil
    }

    /// The state as the API lists it (`running`, `paused`, `stopped`, `starting`).
    var apiState: WorkerState {
        switch state {
        case .starting: .starting
        case .running, .pausing, .resuming: .running
        case .paused: .paused
        case .stopping: .stopped
        }
    }
}

/// What the table needs to know about a configured function.
struct FunctionPolicy: Sendable, Equatable {
    /// The hash every current worker of the function carries.
    var configHash: String
    /// Most non-stopped workers at once.
    var maxConcurrency: Int
    /// Workers kept started, released and unpaused.
    var minWarm: Int
}

/// The timing rules of leases and idle handling.
struct IdlePolicy: Sendable, Equatable {
    /// A lease not renewed for this long lapses (`LEASE_TIMEOUT_SECONDS`).
    var leaseTimeout: Duration
    /// Released and unused this long → paused (`PAUSE_IDLE_SECONDS`; nil = never).
    var pauseAfter: Duration?
    /// Released and unused this long → stopped and removed (`IDLE_TIMEOUT_MINUTES`).
    var stopAfter: Duration
}
