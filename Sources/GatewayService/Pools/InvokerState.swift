import Reactor

/// The continuation a waiting request parks on.
typealias WaiterContinuation = CheckedContinuation<Result<WorkerGrant, InvocationFailure>, Never>

/// A parked request.
struct WaiterHandle: Sendable {
    var continuation: WaiterContinuation
    var function: String
    /// Fires `.throttled` at the acquire deadline; cancelled when the request is served first.
    var timer: (any InvokerTimer)?
}

/// What `run` does after the lock is released: resume parked requests, start Manager calls.
struct InvokerActions: Sendable {
    var resumes: [(WaiterContinuation, Result<WorkerGrant, InvocationFailure>, (any InvokerTimer)?)] = []
    var effects: [PoolEffect] = []
}

/// Everything the `FunctionInvoker`'s mutex guards.
struct InvokerState: Sendable {
    var registry: PoolRegistryState
    var waiters: [UInt64: WaiterHandle] = [:]
    /// Waiter ids handed out but not yet parked; `true` once cancelled in that window.
    var unregistered: [UInt64: Bool] = [:]
    private var lastWaiterID: UInt64 = 0
    /// The configured functions (nil until the first `updateFunctions`).
    var specs: [String: PoolFunctionSpec]?
    var heartbeatInFlight = false
    /// A release happened while a heartbeat was in flight: send another one right after it.
    var heartbeatAgain = false
    var lastHeartbeat: Duration?
    /// The Manager's paused workers per function, as of the last heartbeat (for the pools' paused gauge).
    var pausedByFunction: [String: Int] = [:]
    /// The next maintenance tick on the loop's timer heap; `maintenanceStopped` after `shutdown()`.
    var maintenance: (any InvokerTimer)?
    var maintenanceStarted = false
    var maintenanceStopped = false
    /// `shutdown()` waiting for the heartbeat in flight to end (its releases must go out in the next one).
    var heartbeatIdleWaiters: [DeadlineSignal] = []
    /// `start()` could not list the Manager's workers: the maintenance loop tries again.
    var rebuildPending = false
    /// Manager calls made, by kind and outcome.
    var managerCalls: [ManagerCall: UInt64] = [:]

    init(registry: PoolRegistryState) {
        self.registry = registry
    }

    mutating func makeWaiterID() -> UInt64 {
        lastWaiterID &+= 1
        unregistered[lastWaiterID] = false
        return lastWaiterID
    }

    /// Splits effects into resumptions of parked requests (their handles removed here, so each is resumed exactly
    /// once) and the rest.
    mutating func resolve(_ effects: [PoolEffect]) -> InvokerActions {
        var actions = InvokerActions()
        for effect in effects {
            switch effect {
            case .grant(let id, let grant):
                guard let handle = waiters.removeValue(forKey: id) else { continue }
                actions.resumes.append((handle.continuation, .success(grant), handle.timer))
            case .fail(let id, let failure):
                guard let handle = waiters.removeValue(forKey: id) else { continue }
                actions.resumes.append((handle.continuation, .failure(failure), handle.timer))
            default:
                actions.effects.append(effect)
            }
        }
        return actions
    }
}
