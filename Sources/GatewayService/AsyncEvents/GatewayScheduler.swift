import BoxCore
import Telemetry
import BoxCrypto
import Reactor
import Synchronization
import Posix

/// Fires `schedules.yml` (docs/async-invocations.md, "Scheduled functions"): each due schedule becomes an
/// asynchronous invocation through the durable spool, with EventBridge's `Scheduled Event` payload or its `input`.
/// Only runs when `SCHEDULER_ENABLED` (a site with several gateways enables one). Reloaded on SIGHUP.
final class GatewayScheduler: Sendable {
    let events: any EventAdmitting
    let log: GatewayLog
    let region: String
    private let plan = Mutex(SchedulePlan())
    /// The next firing, on the primary loop's timer heap; each tick fires what is due and re-arms it.
    private let timer = Mutex<LoopTimer?>(nil)
    private let stopped = Atomic<Bool>(false)

    init(events: any EventAdmitting, log: GatewayLog, region: String) {
        self.events = events
        self.log = log
        self.region = region
    }

    /// Takes the schedules in force (start and SIGHUP).
    func load(_ config: SchedulesConfig) {
        let now = WallClock.epochMilliseconds()
        plan.withLock { $0.load(config.schedules, now: now) }
        let enabled = config.schedules.filter(\.enabled).count
        log.log(
            .info, "schedules loaded", logger: "gateway.scheduler",
            fields: [("schedules", .int(enabled)), ("disabled", .int(config.schedules.count - enabled))])
    }

    func start() {
        let made = LoopTimer(on: EventLoopGroup.shared.primary) { [weak self] in
            guard let self else { return }
            Task { await self.tick() }
        }
        timer.withLock { $0 = made }
        made.schedule(after: .zero)
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
        timer.withLock { $0?.cancel() }
    }

    /// Fires the due schedules, then sleeps until the next firing, at least every second (a reload or a clock
    /// step is seen soon).
    private func tick() async {
        let now = WallClock.epochMilliseconds()
        let fires = plan.withLock { $0.due(now: now) }
        for fire in fires { await self.fire(fire) }
        let earliest = plan.withLock { $0.earliest }
        let wait = max(10, min(1000, (earliest ?? Int64.max) - WallClock.epochMilliseconds()))
        guard !stopped.load(ordering: .relaxed) else { return }
        timer.withLock { $0?.schedule(after: .milliseconds(wait)) }
    }

    private func fire(_ fire: SchedulePlan.Fire) async {
        let s = fire.config
        let id = UUIDv4.string()
        let payload =
            s.input.map { Array($0.utf8) }
            ?? ScheduledEventPayload.json(name: s.name, scheduledAt: fire.scheduledAt, region: region, id: id)
        var rng = SystemRandomNumberGenerator()
        let trace = RequestIdentity.newTraceID(epochSeconds: fire.scheduledAt / 1000, using: &rng)
        let fields: [(String, GatewayLog.Value)] = [
            ("schedule", .string(s.name)), ("function", .string(s.function)),
            ("scheduled_time", .string(UTCTime(epochMilliseconds: fire.scheduledAt).iso8601)),
        ]
        do {
            try await events.submit(function: s.function, payload: payload, requestID: id, traceID: trace)
            log.log(.info, "schedule fired", logger: "gateway.scheduler", requestID: id, traceID: trace, fields: fields)
        } catch {
            log.log(.error, "schedule not queued: \(error)", logger: "gateway.scheduler", requestID: id, fields: fields)
        }
    }
}
