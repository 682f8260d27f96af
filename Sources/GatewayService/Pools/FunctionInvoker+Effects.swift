import Reactor

/// Carrying out what the pool state machine decided: resuming requests and talking to the Manager.
extension FunctionInvoker {
    /// Runs `actions` with no lock held. Manager calls run in their own tasks: a request never waits for a call it
    /// does not need, and the state machine hears the answer through `managerReplied`.
    func run(_ actions: InvokerActions) {
        for (continuation, result, timer) in actions.resumes {
            timer?.cancel()
            continuation.resume(returning: result)
        }
        for effect in actions.effects {
            switch effect {
            case .grant, .fail:
                break  // resolved into `resumes`
            case .requestWorkers(let function, let count):
                Task { await self.requestWorkers(function: function, count: count) }
            case .deleteWorker(let id):
                Task { await self.deleteWorker(id: id) }
            case .scheduleRetry(let function, let at):
                _ = clock.schedule(at: at) { [clock] in
                    let now = clock.now()
                    self.run(self.state.withLock { s in s.resolve(s.registry.retryDue(function: function, now: now)) })
                }
            case .flushReleases:
                Task { await self.heartbeat() }
            }
        }
    }

    /// One acquire call to the Manager, its answer fed back into the pool.
    func requestWorkers(function: String, count: Int) async {
        let result: Result<ManagerAcquireReply, ManagerClientError>
        let started = clock.now()
        do {
            let reply = try await manager.acquireWorkers(function: function, count: count)
            result = .success(reply)
            countCall(ManagerCall(.acquire, .ok))
            logger.log(
                .debug, "manager acquire",
                [
                    ("function", function), ("count", String(count)), ("got", String(reply.workers.count)),
                    ("limit_reached", String(reply.limitReached)), ("latency_ms", (clock.now() - started).milliseconds),
                ])
        } catch {
            result = .failure(error)
            countCall(ManagerCall(.acquire, .failed))
            logger.log(
                .error, "manager acquire failed",
                [("function", function), ("count", String(count)), ("error", "\(error)")])
        }
        let now = clock.now()
        run(
            state.withLock { s in
                s.resolve(s.registry.managerReplied(function: function, requested: count, result, now: now))
            })
    }

    /// Tells the Manager a worker is broken; when it cannot be reached, the next heartbeat retries.
    func deleteWorker(id: String) async {
        do {
            try await manager.deleteWorker(id: id)
            countCall(ManagerCall(.delete, .ok))
            _ = state.withLock { $0.registry.pendingDeletes.remove(id) }
        } catch {
            countCall(ManagerCall(.delete, .failed))
            _ = state.withLock { $0.registry.pendingDeletes.insert(id) }
            logger.log(.warning, "manager delete failed, retried later", [("worker", id), ("error", "\(error)")])
        }
    }

    /// One heartbeat (§3.7): renews every lease held, reports releases, drops revoked workers, retries failed
    /// deletes. At most one is in flight; a release during it triggers another right after. A failure is logged
    /// and changes nothing: leased workers keep serving, the releases are sent again next time.
    @discardableResult
    func heartbeat() async -> Bool {
        guard
            let payload = state.withLock({ s -> (leased: [String], released: [String], deletes: [String])? in
                guard !s.heartbeatInFlight else { s.heartbeatAgain = true; return nil }
                s.heartbeatInFlight = true
                s.heartbeatAgain = false
                let p = s.registry.heartbeatPayload()
                return (p.leased, p.released, Array(s.registry.pendingDeletes))
            })
        else { return false }
        for id in payload.deletes { await deleteWorker(id: id) }
        var actions = InvokerActions()
        var again = false
        var idle: [DeadlineSignal] = []
        do {
            let answer = try await manager.heartbeat(leased: payload.leased, released: payload.released)
            let revoked = answer.revoked
            countCall(ManagerCall(.heartbeat, .ok))
            let now = clock.now()
            if !revoked.isEmpty { logger.log(.info, "workers revoked", [("workers", revoked.joined(separator: ","))]) }
            (actions, again, idle) = state.withLock { s in
                s.heartbeatInFlight = false
                defer { s.heartbeatIdleWaiters.removeAll() }
                s.lastHeartbeat = now
                s.pausedByFunction = answer.paused
                let a = s.resolve(s.registry.heartbeatSucceeded(released: payload.released, revoked: revoked, now: now))
                return (a, s.heartbeatAgain, s.heartbeatIdleWaiters)
            }
        } catch {
            countCall(ManagerCall(.heartbeat, .failed))
            logger.log(.warning, "heartbeat failed; leased workers keep serving", [("error", "\(error)")])
            let now = clock.now()
            idle = state.withLock { s in
                s.heartbeatInFlight = false
                s.heartbeatAgain = false
                s.lastHeartbeat = now  // try again at the next interval, not at every sweep
                defer { s.heartbeatIdleWaiters.removeAll() }
                return s.heartbeatIdleWaiters
            }
        }
        for waiter in idle { waiter.signal() }
        run(actions)
        if again { await heartbeat() }
        return true
    }

    /// Counts one Manager call for metrics.
    func countCall(_ call: ManagerCall) {
        state.withLock { $0.managerCalls[call, default: 0] += 1 }
    }
}

extension Duration {
    /// Milliseconds with three decimals, for log fields.
    var milliseconds: String {
        let (s, atto) = components
        let ms = Double(s) * 1000 + Double(atto) / 1e15
        return String((ms * 1000).rounded() / 1000)
    }
}
