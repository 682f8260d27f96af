import BoxCore
import HTTP1
import Synchronization

/// Runs invocations on leased Lambda workers: the gateway's worker pools, host cache, leases and RIE proxying
/// (§3.5, §3.7). One instance serves every function.
///
/// Concurrency: all pool state sits in one `Mutex`-guarded state machine whose critical sections are short and
/// never suspend. `invoke` is `nonisolated(nonsending)`: it runs on the caller's executor (the front's event loop),
/// so the warm path (take a worker, POST to its RIE, give it back) costs two uncontended lock round-trips and no
/// executor hop. Waiting requests park on continuations that the state machine resumes, first come first served;
/// their deadlines, retry delays and the maintenance tick are timers on the loop's heap (docs/architecture.md).
public final class FunctionInvoker: Sendable {
    let configuration: InvokerConfiguration
    let clock: any InvokerClock
    let transport: any WorkerTransport
    let manager: ManagerClient
    let logger: InvokerLogger
    let state: Mutex<InvokerState>

    /// An invoker that reaches workers through `transport` and the Manager through `managerTransport` (default: the
    /// same one; the gateway gives workers a short connect timeout that the Manager does not need).
    public init(
        configuration: InvokerConfiguration, transport: any WorkerTransport,
        managerTransport: (any WorkerTransport)? = nil,
        logger: InvokerLogger = .discarding
    ) {
        self.configuration = configuration
        self.clock = configuration.clock
        self.transport = transport
        self.logger = logger
        self.manager = ManagerClient(
            url: configuration.managerURL, token: configuration.managerToken, transport: managerTransport ?? transport,
            callTimeout: configuration.managerCallTimeout, acquireTimeout: configuration.managerAcquireTimeout,
            gatewayID: configuration.gatewayID
        )
        let registry = PoolRegistryState(
            maxFunctions: configuration.maxFunctions, ttl: configuration.cacheTTL,
            limitRetryDelay: configuration.limitRetryDelay
        )
        self.state = Mutex(InvokerState(registry: registry))
    }

    /// How often one invocation is sent again after the RIE refused it as `Runtime.Unavailable` (about 110 ms of
    /// back-off in all) before the refusal is answered as the function's failure.
    static let maxRuntimeRefusals = 10

    /// Invokes the function with `payload` (the event JSON) on one of its workers.
    ///
    /// Waits up to `POOL_ACQUIRE_TIMEOUT` for a worker (→ `.throttled`). A worker that cannot be reached before the
    /// event was sent is dropped and the invocation retried once on another one; one that breaks after delivery is
    /// dropped (`.workerFailed`). The function's `timeout` is enforced by the RIE (the Manager sets
    /// `AWS_LAMBDA_FUNCTION_TIMEOUT`); its `Task timed out` answer, or no answer by `timeout` + margin, is
    /// `.functionTimedOut`. `requestID` becomes the function's `context.aws_request_id`.
    public nonisolated(nonsending) func invoke(
        _ spec: PoolFunctionSpec, payload: [UInt8], requestID: String, traceID: String
    ) async throws(InvocationFailure) -> InvocationOutcome {
        try await invoke(
            spec, payload: payload, requestID: requestID, traceID: traceID, clientContext: nil, background: false)
    }

    /// `invoke` with the Invoke API's client context (`X-Amz-Client-Context`, base64 JSON) for the RIE.
    public nonisolated(nonsending) func invoke(
        _ spec: PoolFunctionSpec, payload: [UInt8], requestID: String, traceID: String, clientContext: String?
    ) async throws(InvocationFailure) -> InvocationOutcome {
        try await invoke(
            spec, payload: payload, requestID: requestID, traceID: traceID, clientContext: clientContext,
            background: false)
    }

    /// `invoke` for a queued asynchronous event: when it has to wait for a worker, every synchronous request
    /// waiting for the same function is served first (docs/async-invocations.md).
    public nonisolated(nonsending) func invokeInBackground(
        _ spec: PoolFunctionSpec, payload: [UInt8], requestID: String, traceID: String
    ) async throws(InvocationFailure) -> InvocationOutcome {
        try await invoke(
            spec, payload: payload, requestID: requestID, traceID: traceID, clientContext: nil, background: true)
    }

    nonisolated(nonsending) func invoke(
        _ spec: PoolFunctionSpec, payload: [UInt8], requestID: String, traceID: String, clientContext: String?,
        background: Bool
    ) async throws(InvocationFailure) -> InvocationOutcome {
        var queueWait = Duration.zero
        var retriedUnreachable = false
        var refusals = 0
        while true {
            let waitStart = clock.now()
            let grant = try await acquire(spec, now: waitStart, background: background)
            let sentAt = clock.now()
            queueWait += sentAt - waitStart
            let request = RIEInvocation.request(
                to: grant.worker.endpoint, payload: payload, requestID: requestID, traceID: traceID,
                clientContext: clientContext)
            let response: HTTPResponse
            do {
                response = try await transport.execute(
                    request, to: grant.worker.endpoint, timeout: spec.timeout + configuration.invokeMargin
                )
            } catch {
                let failure: InvocationFailure
                switch error {
                case .notSent(let why):
                    // Nothing reached the RIE: the event may go to another worker, once.
                    dropWorker(grant.worker, reason: "unreachable: \(why)")
                    if !retriedUnreachable { retriedUnreachable = true; continue }
                    failure = .workerFailed("workers unreachable: \(why)")
                case .timedOut(sent: false):
                    dropWorker(grant.worker, reason: "connect timed out")
                    if !retriedUnreachable { retriedUnreachable = true; continue }
                    failure = .workerFailed("workers unreachable: connect timed out")
                case .sentThenFailed(let why):
                    dropWorker(grant.worker, reason: "connection broke after delivery: \(why)")
                    failure = .workerFailed("worker broke after delivery: \(why)")
                case .timedOut(sent: true):
                    // The RIE did not answer its own timeout: it may still be busy, so never reuse it.
                    dropWorker(grant.worker, reason: "no answer within timeout + margin")
                    failure = .functionTimedOut
                }
                throw failure
            }
            let functionTime = clock.now() - sentAt
            if RIEInvocation.isRIETimeout(response) {
                // The RIE killed and will re-init the runtime; measured safe to reuse at once (docs/gateway-pools.md).
                finish(grant.worker, .reinitialised)
                throw .functionTimedOut
            }
            if RIEInvocation.isRuntimeUnavailable(response), refusals < Self.maxRuntimeRefusals {
                // Never delivered: give the worker back and send the event again in a moment (its runtime
                // process asks for the next event within milliseconds of answering the last one).
                refusals += 1
                finish(grant.worker, .keep)
                try? await clock.sleep(until: clock.now() + .milliseconds(2 * refusals))
                continue
            }
            finish(grant.worker, .keep)
            return InvocationOutcome(
                status: response.status, headers: response.headers, body: response.body, workerID: grant.worker.id,
                coldStart: grant.coldStart, queueWait: queueWait, functionTime: functionTime
            )
        }
    }

    /// The output of invocation `requestID` on `workerID` (START through REPORT), from the Manager; nil when it
    /// cannot be had (the gateway then sends no `X-Amz-Log-Result`).
    public func invocationLog(workerID: String, requestID: String) async -> [UInt8]? {
        try? await manager.invocationLog(workerID: workerID, requestID: requestID)
    }

    /// Pool sizes per function (busy, idle, waiting, coming), for metrics.
    public func poolSnapshot() async -> [String: PoolStats] {
        state.withLock { s in
            var stats = s.registry.snapshot()
            for (function, paused) in s.pausedByFunction { stats[function, default: PoolStats()].paused = paused }
            return stats
        }
    }

    // MARK: Acquire and give back

    /// A worker for one request: the warm path under one lock, else a place in the function's FIFO queue.
    nonisolated(nonsending) func acquire(
        _ spec: PoolFunctionSpec, now: Duration, background: Bool = false
    ) async throws(InvocationFailure) -> WorkerGrant {
        if let grant = state.withLock({ $0.registry.tryAcquireWarm(spec, now: now) }) { return grant }
        let id = state.withLock { $0.makeWaiterID() }
        let deadline = now + configuration.acquireTimeout
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: WaiterContinuation) in
                let actions = state.withLock { s -> InvokerActions in
                    s.waiters[id] = WaiterHandle(continuation: continuation, function: spec.name)
                    let effects =
                        s.unregistered.removeValue(forKey: id) == true
                        ? [PoolEffect.fail(waiter: id, .workerFailed("request cancelled"))]
                        : s.registry.enqueue(spec, waiter: id, deadline: deadline, now: now, background: background)
                    let actions = s.resolve(effects)
                    if s.waiters[id] != nil {
                        s.waiters[id]?.timer = startTimer(function: spec.name, waiter: id, deadline: deadline)
                    }
                    return actions
                }
                run(actions)
            }
        } onCancel: {
            abandon(function: spec.name, waiter: id, .workerFailed("request cancelled"))
        }
        return try result.get()
    }

    /// Gives a worker back to its pool.
    func finish(_ worker: PoolWorker, _ disposition: WorkerDisposition) {
        let now = clock.now()
        let actions = state.withLock { s in
            s.resolve(s.registry.finish(function: worker.function, workerID: worker.id, disposition, now: now))
        }
        run(actions)
    }

    private func dropWorker(_ worker: PoolWorker, reason: String) {
        logger.log(
            .warning, "worker dropped", [("function", worker.function), ("worker", worker.id), ("reason", reason)])
        finish(worker, .broken)
    }

    /// A waiter gave up: deadline passed or its request was cancelled.
    func abandon(function: String, waiter: UInt64, _ failure: InvocationFailure) {
        let now = clock.now()
        let actions = state.withLock { s -> InvokerActions in
            if s.waiters[waiter] == nil {
                // Cancelled before it queued: remember, so that it fails as soon as it tries.
                if s.unregistered[waiter] != nil { s.unregistered[waiter] = true }
                return InvokerActions()
            }
            return s.resolve(s.registry.abandon(function: function, waiter: waiter, failure, now: now))
        }
        run(actions)
    }

    /// The waiter's acquire deadline, on the calling loop's timer heap (no task per waiter).
    private func startTimer(function: String, waiter: UInt64, deadline: Duration) -> any InvokerTimer {
        clock.schedule(at: deadline) {
            self.abandon(function: function, waiter: waiter, .throttled)
        }
    }
}
