import BoxCore
import Telemetry
import BoxCrypto
import Posix
import Reactor
import Synchronization

/// Runs the spooled `Event` invocations (docs/async-invocations.md): admission into the durable spool (the 202
/// follows the fsync), dispatch on the function's workers behind every synchronous request
/// (`invokeInBackground`), AWS's retry policy, dead records and `on_failure`, one log line per attempt.
///
/// At most `max_concurrency × rie_concurrency` events of a function run at once (more would only wait in the
/// pool's queue), and at most `maxRunning` in all; the rest wait in the spool, not in memory.
final class EventDispatcher: Sendable {
    struct Settings: Sendable {
        var policy = EventRetryPolicy()
        var maxRunning = 64
        /// Region of the ARNs in dead records.
        var region = "ap-northeast-1"
        /// Longest sleep of the retry timer while events wait for their retry time (a wall-clock step is seen
        /// within this); it otherwise fires at the earliest retry time.
        var tick: Duration = .seconds(1)
    }

    let spool: EventSpool
    let invoker: any FunctionInvoking
    let config: GatewayConfigStore
    let log: GatewayLog
    let metrics: GatewayMetrics
    let eventMetrics = EventMetrics()
    let settings: Settings
    private let state = Mutex(EventQueueState())
    /// Fires at the earliest retry time on the primary loop's timer heap (armed by `pump`).
    private let ticker = Mutex<LoopTimer?>(nil)
    /// Waits of `drain` and `settle`, woken whenever an attempt ends (no polling).
    private let changeWaiters = Mutex<[DeadlineSignal]>([])

    init(
        spool: EventSpool, invoker: any FunctionInvoking, config: GatewayConfigStore, log: GatewayLog,
        metrics: GatewayMetrics, settings: Settings
    ) {
        self.spool = spool
        self.invoker = invoker
        self.config = config
        self.log = log
        self.metrics = metrics
        self.settings = settings
    }

    // MARK: Life cycle

    /// Replays the spool (damaged records are skipped with a warning), starts its writer and the dispatch.
    func start() {
        let replay = spool.replay()
        for w in replay.warnings { log.log(.warning, w, logger: "gateway.events") }
        let now = WallClock.epochMilliseconds()
        state.withLock { s in for e in replay.events { s.add(e, now: now) } }
        spool.start()
        if !replay.events.isEmpty {
            log.log(
                .info, "event spool replayed", logger: "gateway.events",
                fields: [("events", .int(replay.events.count)), ("spool_dir", .string(spool.directory))])
        }
        let timer = LoopTimer(on: EventLoopGroup.shared.primary) { [weak self] in self?.pump() }
        ticker.withLock { $0 = timer }
        pump()
    }

    /// SIGTERM: starts nothing new, waits until the running attempts end or `deadline`; whatever is unfinished
    /// stays in the spool for the next start. Returns how many attempts were still running. Admissions still work
    /// (requests in flight finish) until `close()`.
    func drain(until deadline: ContinuousClock.Instant) async -> Int {
        state.withLock { $0.stopped = true }
        await wait(until: deadline) { $0.runningTotal == 0 }
        ticker.withLock { $0?.cancel() }
        return state.withLock { $0.runningTotal }
    }

    /// After the HTTP drain: the spool's last records are written and fsynced, its writer stops.
    func close() { spool.close() }

    /// Waits until no event is queued or `deadline` (tests); returns how many are still queued.
    @discardableResult
    func settle(until deadline: ContinuousClock.Instant) async -> Int {
        await wait(until: deadline) { $0.queuedCount == 0 }
        return state.withLock { $0.queuedCount }
    }

    /// Returns when `done` holds for the queue or at `deadline`; woken by each attempt that ends.
    private func wait(until deadline: ContinuousClock.Instant, for done: (EventQueueState) -> Bool) async {
        while true {
            let changed = DeadlineSignal()
            // Registered before the check: an attempt ending after it wakes this wait.
            changeWaiters.withLock { $0.append(changed) }
            if state.withLock({ done($0) }) { return }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return }
            _ = await changed.wait(timeout: left)
        }
    }

    // MARK: Admission

    /// Writes the event durably; on return the caller may answer 202.
    func submit(function: String, payload: [UInt8], requestID: String, traceID: String) async throws(EventSpool
        .AdmitError)
    {
        let event = SpooledEvent(
            id: requestID, function: function, traceID: traceID, enqueuedAtMillis: WallClock.epochMilliseconds())
        try await spool.admit(event, payload: payload)
        let now = WallClock.epochMilliseconds()
        state.withLock { $0.add(event, now: now) }
        pump()
    }

    /// Queue gauges for metrics.
    func gauges() -> EventMetrics.Gauges {
        let (queued, oldest) = state.withLock { ($0.queuedCount, $0.oldestEnqueuedAt) }
        let usage = spool.usage
        let age = oldest.map { Double(max(0, WallClock.epochMilliseconds() - $0)) / 1000 } ?? 0
        return EventMetrics.Gauges(
            queued: queued, oldestAgeSeconds: age, spoolBytes: usage.bytes, spoolFsyncs: usage.fsyncs,
            spoolAdmitted: usage.admitted)
    }

    // MARK: Dispatch

    func pump() {
        let functions = config.current.functions
        let now = WallClock.epochMilliseconds()
        let (start, nextDue, noneReady) = state.withLock { s in
            s.promoteDue(now: now)
            let start = s.takeStartable(
                capacity: { name in functions[name].map { $0.maxConcurrency * $0.rieConcurrency } ?? 1 },
                maxRunning: settings.maxRunning)
            return (start, s.delayed.earliestDue, s.ready.isEmpty)
        }
        // The retry timer: at the earliest retry time, at most `tick` away (also while ready events wait for a
        // free slot, so a reload that raises a function's concurrency is seen); none while nothing waits.
        if let timer = ticker.withLock({ $0 }) {
            if let nextDue {
                timer.schedule(after: min(settings.tick, .milliseconds(max(1, nextDue - now))))
            } else if !noneReady {
                timer.schedule(after: settings.tick)
            } else {
                timer.cancel()
            }
        }
        for entry in start { Task { await self.attempt(entry) } }
    }

    /// One attempt of one event, then its next state: finished, waiting for a retry, or dead.
    private func attempt(_ entry: EventQueueState.Entry) async {
        var entry = entry
        let e = entry.event
        let started = ContinuousClock.now
        let now = WallClock.epochMilliseconds()
        let function = config.current.functions[e.function]
        let maxAge = function?.eventMaxAge ?? FunctionConfig.fallbackEventMaxAge
        var next: EventQueueState.Entry? = nil
        if EventRetryPolicy.isExpired(enqueuedAt: e.enqueuedAtMillis, maxAgeSeconds: maxAge, now: now) {
            let buried = await bury(entry, condition: .eventAgeExceeded, onFailure: function?.onFailure)
            finished(e, next: buried ? nil : retryLater(entry))
            return
        }
        let payload: [UInt8]
        do {
            payload = try spool.payload(of: e.id)
        } catch {
            log.log(
                .error, "event payload unreadable, event dropped: \(error)", logger: "gateway.events", requestID: e.id,
                fields: [("function", .string(e.function))])
            spool.finish(e.id)
            finished(e, next: nil)
            return
        }
        var fields: [(String, GatewayLog.Value)] = [
            ("invocation_type", "Event"), ("attempt", .int(e.progress.invokeCount + 1)),
            ("function", .string(e.function)),
        ]
        let outcomeLabel: String
        var decision: EventRetryPolicy.Decision?
        var progress = e.progress
        if let function {
            do {
                let outcome = try await invoker.invokeInBackground(
                    function.poolSpec, payload: payload, requestID: e.id, traceID: e.traceID)
                metrics.recordInvocation(
                    function: e.function, queueWait: outcome.queueWait, functionTime: outcome.functionTime,
                    coldStart: outcome.coldStart)
                fields += [
                    ("worker", .string(outcome.workerID)), ("cold_start", .bool(outcome.coldStart)),
                    ("queue_ms", .millis(outcome.queueWait)),
                ]
                if FunctionErrorDetector.isFunctionError(outcome) {
                    outcomeLabel = "function_error"
                    entry.lastResponse = EventResponse(
                        statusCode: 200, functionError: "Unhandled", payload: Array(outcome.body.prefix(256 << 10)))
                    decision = settings.policy.afterFunctionError(
                        progress, maxRetries: function.eventRetryAttempts, now: WallClock.epochMilliseconds())
                } else {
                    outcomeLabel = "success"
                }
            } catch {
                outcomeLabel = InvocationOutcomeKind(error).label
                if error == .functionTimedOut {
                    let msg = "Task timed out after \(FunctionTimeout.text(function.poolSpec.timeout)) seconds"
                    entry.lastResponse = EventResponse(
                        statusCode: 200, functionError: "Unhandled",
                        payload: Array(
                            "{\"errorType\":\"Sandbox.Timedout\",\"errorMessage\":\(JSONText.quote(msg))}".utf8))
                    decision = settings.policy.afterFunctionError(
                        progress, maxRetries: function.eventRetryAttempts, now: WallClock.epochMilliseconds())
                } else {
                    let invoked = if case .workerFailed = error { true } else { false }
                    progress = settings.policy.afterSystemError(
                        progress, invoked: invoked, now: WallClock.epochMilliseconds())
                    decision = .retry(progress)
                }
            }
        } else {
            // Removed from functions.yml: retried like a system error (a reload may bring it back) until max age.
            outcomeLabel = "unknown_function"
            progress = settings.policy.afterSystemError(progress, invoked: false, now: WallClock.epochMilliseconds())
            decision = .retry(progress)
        }
        if outcomeLabel == "success" { progress.invokeCount += 1 }
        eventMetrics.recordAttempt(function: e.function, outcome: outcomeLabel)
        metrics.recordInvokeAPI(function: e.function, type: "Event", outcome: outcomeLabel)
        fields += [("outcome", .string(outcomeLabel)), ("latency_ms", .millis(ContinuousClock.now - started))]
        let logAttempt = { (level: GatewayLog.Level, result: String, fields: [(String, GatewayLog.Value)]) in
            self.log.log(
                level, "Event invocation attempt of \(e.function): \(result)", logger: "gateway.invoke",
                requestID: e.id, traceID: e.traceID, fields: fields)
        }
        switch decision {
        case nil:
            logAttempt(.info, "success", fields)
            spool.finish(e.id)
        case .retry(let p)?:
            let retryIn = Int(max(0, p.dueAtMillis - WallClock.epochMilliseconds()))
            logAttempt(.warning, "\(outcomeLabel), will retry", fields + [("retry_in_ms", .int(retryIn))])
            entry.event.progress = p
            spool.record(e.id, progress: p)
            next = entry
        case .dead(let condition, let p)?:
            logAttempt(.warning, "\(outcomeLabel), no retries left", fields)
            entry.event.progress = p
            if !(await bury(entry, condition: condition, onFailure: function?.onFailure, payload: payload)) {
                next = retryLater(entry)
            }
        }
        finished(e, next: next)
    }

    private func finished(_ e: SpooledEvent, next: EventQueueState.Entry?) {
        let now = WallClock.epochMilliseconds()
        state.withLock { $0.attemptEnded(e.id, function: e.function, next: next, now: now) }
        for waiter in changeWaiters.withLock({ w in
            defer { w.removeAll() }; return w
        }) { waiter.signal() }
        pump()
    }

    /// The event again after a backoff (its dead record could not be written).
    private func retryLater(_ entry: EventQueueState.Entry) -> EventQueueState.Entry {
        var entry = entry
        entry.event.progress = settings.policy.afterSystemError(
            entry.event.progress, invoked: false, now: WallClock.epochMilliseconds())
        return entry
    }

    /// Writes the dead record, takes the event out of the spool, and queues the record for `on_failure`. False
    /// when the record could not be written (the event stays).
    private func bury(
        _ entry: EventQueueState.Entry, condition: EventRetryPolicy.Condition, onFailure: String?,
        payload: [UInt8]? = nil
    ) async -> Bool {
        let e = entry.event
        let requestPayload = payload ?? (try? spool.payload(of: e.id)) ?? Array("null".utf8)
        let record = DeadRecord(
            event: e, functionARN: "arn:aws:lambda:\(settings.region):\(InvokeTarget.accountID):function:\(e.function)",
            condition: condition, approximateInvokeCount: e.progress.invokeCount, requestPayload: requestPayload,
            lastResponse: entry.lastResponse, timestampMillis: WallClock.epochMilliseconds())
        let json = record.json()
        do {
            try FileIO.writeDurably(directory: spool.deadDirectory, name: "\(Self.fileSafe(e.id)).json", bytes: json)
        } catch {
            // Keep the event: it is retried after the backoff rather than lost without a record.
            log.log(.error, "cannot write the dead record: \(error)", logger: "gateway.events", requestID: e.id)
            return false
        }
        eventMetrics.recordDead(function: e.function)
        log.log(
            .error, "Event invocation of \(e.function) failed for good: \(condition.rawValue)",
            logger: "gateway.events",
            requestID: e.id, traceID: e.traceID,
            fields: [
                ("function", .string(e.function)), ("condition", .string(condition.rawValue)),
                ("approximate_invoke_count", .int(e.progress.invokeCount)),
                ("dead_record", .string("\(spool.deadDirectory)/\(Self.fileSafe(e.id)).json")),
            ])
        spool.finish(e.id)
        guard let target = onFailure else { return true }
        guard target != e.function else {
            // A function that is its own on_failure would feed its failures back to itself forever.
            log.log(
                .warning, "on_failure of \(e.function) names itself; the failure record is not sent",
                logger: "gateway.events",
                requestID: e.id)
            return true
        }
        do {
            try await submit(function: target, payload: json, requestID: UUIDv4.string(), traceID: e.traceID)
        } catch {
            log.log(
                .error, "cannot queue the failure record for on_failure \(target): \(error)", logger: "gateway.events",
                requestID: e.id)
        }
        return true
    }

    /// Request ids are UUIDs; anything else is reduced to a safe file name.
    static func fileSafe(_ id: String) -> String {
        String(id.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }
}
