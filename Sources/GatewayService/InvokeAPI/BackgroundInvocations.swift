import Synchronization

/// `Event` invocations of the Invoke API (PRODUCT §3.6): accepted with 202 at once, run in the background with up
/// to 2 retries when the function fails (as AWS does for asynchronous invocations), one log line per attempt.
///
/// A SIGTERM drain waits for them (`drain(until:)`): an accepted invocation is never silently dropped while the
/// drain deadline allows it to finish.
public final class BackgroundInvocations: Sendable {
    /// Most attempts per invocation (1 + 2 retries).
    public static let maxAttempts = 3

    struct State {
        var running: [UInt64: Task<Void, Never>] = [:]
        var nextID: UInt64 = 0
        var drainWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiterID: UInt64 = 0
    }

    private let state = Mutex(State())
    private let invoker: any FunctionInvoking
    private let log: GatewayLog
    private let metrics: GatewayMetrics
    private let retryDelays: [Duration]

    /// A runner over `invoker`. `retryDelays[i]` is the pause before retry `i + 1` (AWS waits minutes; the box
    /// waits seconds by default so a drain can still finish them).
    public init(
        invoker: any FunctionInvoking, log: GatewayLog, metrics: GatewayMetrics,
        retryDelays: [Duration] = [.seconds(1), .seconds(2)]
    ) {
        self.invoker = invoker
        self.log = log
        self.metrics = metrics
        self.retryDelays = retryDelays
    }

    /// Invocations accepted and not yet finished.
    public var pending: Int { state.withLock { $0.running.count } }

    /// Starts one Event invocation in the background.
    func submit(_ spec: PoolFunctionSpec, payload: [UInt8], requestID: String, traceID: String) {
        state.withLock { s in
            let id = s.nextID
            s.nextID += 1
            s.running[id] = Task { [self] in
                await run(spec, payload: payload, requestID: requestID, traceID: traceID)
                finish(id)
            }
        }
    }

    private func finish(_ id: UInt64) {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.running[id] = nil
            guard s.running.isEmpty else { return [] }
            defer { s.drainWaiters = [:] }
            return Array(s.drainWaiters.values)
        }
        for w in waiters { w.resume() }
    }

    /// Waits until every accepted invocation has finished, or until `deadline`; returns how many are still running.
    @discardableResult
    public func drain(until deadline: ContinuousClock.Instant) async -> Int {
        // One continuation, resumed exactly once by whichever comes first: the last invocation finishing (`finish`)
        // or the deadline (below). Both take it out of the table under the lock before resuming it.
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let waiterID = state.withLock { s -> UInt64? in
                if s.running.isEmpty { return nil }
                let id = s.nextWaiterID
                s.nextWaiterID += 1
                s.drainWaiters[id] = c
                return id
            }
            guard let waiterID else {
                c.resume()
                return
            }
            Task { [self] in
                try? await Task.sleep(until: deadline, clock: .continuous)
                let waiter = state.withLock { $0.drainWaiters.removeValue(forKey: waiterID) }
                waiter?.resume()
            }
        }
        return pending
    }

    func run(_ spec: PoolFunctionSpec, payload: [UInt8], requestID: String, traceID: String) async {
        for attempt in 1...Self.maxAttempts {
            let started = ContinuousClock.now
            let outcomeLabel: String
            var fields: [(String, GatewayLog.Value)] = [
                ("invocation_type", "Event"), ("attempt", .int(attempt)), ("function", .string(spec.name)),
            ]
            do {
                let outcome = try await invoker.invoke(spec, payload: payload, requestID: requestID, traceID: traceID)
                metrics.recordInvocation(
                    function: spec.name, queueWait: outcome.queueWait, functionTime: outcome.functionTime,
                    coldStart: outcome.coldStart)
                outcomeLabel = FunctionErrorDetector.isFunctionError(outcome) ? "function_error" : "success"
                fields += [("worker", .string(outcome.workerID)), ("cold_start", .bool(outcome.coldStart)),
                           ("queue_ms", .millis(outcome.queueWait))]
            } catch {
                outcomeLabel = InvocationOutcomeKind(error).label
            }
            fields += [("outcome", .string(outcomeLabel)), ("latency_ms", .millis(ContinuousClock.now - started))]
            metrics.recordInvokeAPI(function: spec.name, type: "Event", outcome: outcomeLabel)
            let last = outcomeLabel == "success" || outcomeLabel == "unknown_function" || attempt == Self.maxAttempts
            log.log(
                outcomeLabel == "success" ? .info : .warning,
                "Event invocation attempt \(attempt) of \(spec.name): \(outcomeLabel)", logger: "gateway.invoke",
                requestID: requestID, traceID: traceID, fields: fields)
            if last { return }
            try? await Task.sleep(for: retryDelays[min(attempt - 1, retryDelays.count - 1)])
        }
    }
}
