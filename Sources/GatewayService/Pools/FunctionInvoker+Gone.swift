import ManagerAPI

/// Workers the Manager saw die or removed (docs/manager-api.md, `GET /v1/workers/gone`): dropped
/// from the pools at once, so that no request is sent to an address that may belong to nobody any more (a connect to
/// a vanished bridge address waits for its timeout).
extension FunctionInvoker {
    /// Drops these workers from every pool, as a heartbeat's `revoked` does: an idle one goes now, a busy one after
    /// its invocation, and none is released or deleted afterwards (the Manager has forgotten it). Unknown ids are
    /// ignored. Waiting requests that lose their worker this way are served by new leases.
    public func forgetWorkers(ids: [String]) {
        guard !ids.isEmpty else { return }
        let now = clock.now()
        let actions = state.withLock { s -> InvokerActions in
            s.registry.pendingDeletes.subtract(ids)
            return s.resolve(s.registry.heartbeatSucceeded(released: [], revoked: ids, now: now))
        }
        run(actions)
    }

    /// Starts following `GET /v1/workers/gone` until the task is cancelled: each answer's ids are forgotten at once.
    /// A failed call (Manager away, or one without the endpoint) is retried after `goneRetryDelay`; heartbeats still
    /// carry `revoked` meanwhile.
    public func followGoneWorkers() -> Task<Void, Never> {
        Task { [manager, clock, logger] in
            // From the Manager's start: a worker that left before this loop's first call is reported too (ids this
            // gateway does not hold are ignored).
            var cursor: UInt64 = 0
            var failing = false
            while !Task.isCancelled {
                do {
                    let reply = try await manager.goneWorkers(after: cursor)
                    if failing { logger.log(.info, "following the manager's gone workers again", []) }
                    failing = false
                    if !reply.workers.isEmpty {
                        logger.log(.info, "workers gone", [("workers", reply.workers.joined(separator: ","))])
                        self.forgetWorkers(ids: reply.workers)
                    }
                    cursor = reply.seq
                } catch {
                    if !failing {
                        logger.log(
                            .warning, "cannot follow the manager's gone workers; retrying", [("error", "\(error)")])
                    }
                    failing = true
                    do { try await clock.sleep(until: clock.now() + Self.goneRetryDelay) } catch { return }
                }
            }
        }
    }

    /// Pause after a failed gone poll.
    static let goneRetryDelay = Duration.seconds(1)
}
