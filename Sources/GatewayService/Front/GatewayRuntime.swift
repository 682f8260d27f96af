import BoxCore
import BoxCrypto
import HTTP1
import Posix
import Reactor
import Telemetry
import TLS

/// The running gateway: everything `esb-gateway` starts, and the signal loop that reloads (SIGHUP) and drains
/// (SIGTERM/SIGINT).
final class GatewayRuntime: Sendable {
    let settings: GatewaySettings
    let log: GatewayLog
    let logSink: LogSink
    let config: GatewayConfigStore
    let invoker: FunctionInvoker
    let metrics: GatewayMetrics
    let events: EventDispatcher
    let scheduler: GatewayScheduler?
    let dispatcher: GatewayDispatcher
    let tls: TLSServerContext
    let server: HTTPServer
    let metricsServer: HTTPServer?
    let environment: [String: String]
    /// The descriptor holding `EVENT_SPOOL_DIR/.lock` for the process's lifetime (`lockSpool`).
    let spoolLock: Int32

    init(
        settings: GatewaySettings, log: GatewayLog, logSink: LogSink, config: GatewayConfigStore,
        environment: [String: String]
    ) throws(GatewayStartError) {
        let env = settings.environment
        self.settings = settings
        self.log = log
        self.logSink = logSink
        self.config = config
        self.environment = environment
        guard ManagerClient.endpoint(managerURL: env.managerURL) != nil else {
            throw GatewayStartError("MANAGER_URL: \(env.managerURL) is not http://host:port or unix:///path")
        }
        guard let listen = ListenAddress.parse(env.listen) else {
            throw GatewayStartError("GATEWAY_LISTEN: \(env.listen) is not host:port")
        }
        tls = try Self.certificate(env, log: log)
        let invokerConfiguration = InvokerConfiguration(
            managerURL: env.managerURL, managerToken: env.managerToken ?? "", cacheTTL: env.containerCacheTTL,
            acquireTimeout: env.poolAcquireTimeout, gatewayID: env.containerName)
        // Workers get a short connect timeout (a vanished worker costs at most that, then the request moves to
        // another one); the Manager keeps the client's default (docs/gateway-pools.md, "Dead workers").
        invoker = FunctionInvoker(
            configuration: invokerConfiguration,
            transport: ReactorWorkerTransport(client: HTTPClient(connectTimeout: env.workerConnectTimeout)),
            managerTransport: ReactorWorkerTransport(client: HTTPClient()),
            logger: InvokerLogger { level, message, fields in
                log.log(level, message, logger: "gateway.pools", fields: fields.map { ($0.0, .string($0.1)) })
            })
        metrics = GatewayMetrics()
        spoolLock = try Self.lockSpool(env.eventSpoolDirectory)
        let spool: EventSpool
        do {
            spool = try EventSpool(directory: env.eventSpoolDirectory, maxBytes: env.eventSpoolMaxBytes)
        } catch {
            throw GatewayStartError("EVENT_SPOOL_DIR: cannot use \(env.eventSpoolDirectory): \(error)")
        }
        var eventSettings = EventDispatcher.Settings()
        eventSettings.policy.retryDelays = env.eventRetryDelays
        eventSettings.policy.backoffBase = env.eventBackoffBase
        eventSettings.region = env.defaultRegion
        events = EventDispatcher(
            spool: spool, invoker: invoker, config: config, log: log, metrics: metrics, settings: eventSettings)
        scheduler = env.schedulerEnabled ? GatewayScheduler(events: events, log: log, region: env.defaultRegion) : nil
        let dispatcher = GatewayDispatcher(
            settings: settings, config: config, invoker: invoker, log: log, metrics: metrics, events: events)
        self.dispatcher = dispatcher
        var serverConfiguration = HTTPServerConfiguration(listen: listen, tls: tls)
        // One listener per loop (SO_REUSEPORT); a request stays on the loop that accepted it (docs/gateway.md).
        serverConfiguration.loops = Self.loopCount(env)
        serverConfiguration.headerTimeout = env.headerTimeout
        serverConfiguration.bodyTimeout = env.bodyTimeout
        serverConfiguration.idleTimeout = env.idleTimeout
        serverConfiguration.maxBodyBytes = env.maxBodyBytes
        serverConfiguration.maxConnections = env.maxConnections
        // Protocol errors the server answers itself still carry the ids (§3.2). A 413 also names the AWS error
        // code, so SDKs calling the Invoke API raise RequestTooLargeException.
        serverConfiguration.decorateProtocolError = { status in
            var headers = HTTPHeaders()
            RequestIdentity(headers: [:], epochSeconds: WallClock.epochMilliseconds() / 1000).apply(to: &headers)
            if status == 413 {
                headers.add(name: "x-amzn-ErrorType", value: GatewayError.AWSErrorType.requestTooLarge.rawValue)
            }
            return headers
        }
        serverConfiguration.maxInflightBodyBytes = env.maxInflightBodyBytes
        serverConfiguration.minBodyRate = env.minBodyRate
        // Authentication from the head: an unauthenticated upload is refused before its body is read.
        serverConfiguration.headGate = { head, info in dispatcher.screen(head, peer: info.peerAddress) }
        server = HTTPServer(configuration: serverConfiguration) { request, info in
            await dispatcher.handle(request, peer: info.peerAddress, admitted: info.headNote as? TokenClaims)
        }
        if let metricsListen = env.metricsListen {
            guard let address = ListenAddress.parse(metricsListen) else {
                throw GatewayStartError("METRICS_LISTEN: \(metricsListen) is not host:port")
            }
            let metrics = self.metrics, invoker = self.invoker, sink = logSink, events = self.events,
                config = self.config
            metricsServer = HTTPServer(configuration: HTTPServerConfiguration(listen: address)) { request, _ in
                guard request.method == "GET", ["/metrics", "/", "/status"].contains(request.path) else {
                    return GatewayError.notFound.response
                }
                let pools = await invoker.poolSnapshot().mapValues {
                    GatewayMetrics.PoolGauge(busy: $0.busy, idle: $0.idle, paused: $0.paused, waiting: $0.waiting)
                }
                let gauges = events.gauges()
                if request.path != "/metrics" {
                    let (routes, functions) = metrics.summaries()
                    let page = StatusPage.render(
                        StatusPage.Snapshot(
                            generatedAt: UTCTime(epochMilliseconds: WallClock.epochMilliseconds()).iso8601,
                            functions: config.current.functions.functions.map(\.name), pools: pools, routes: routes,
                            invocations: functions, eventsQueued: gauges.queued,
                            oldestEventAgeSeconds: gauges.oldestAgeSeconds,
                            spoolBytes: gauges.spoolBytes))
                    return HTTPResponse(status: 200, contentType: "text/html; charset=utf-8", text: page)
                }
                let text =
                    metrics.render(
                        pools: pools, managerCalls: invoker.managerCallCounts(),
                        logLinesDropped: UInt64(sink.droppedLines))
                    + events.eventMetrics.render(gauges)
                return HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", text: text)
            }
        } else {
            metricsServer = nil
        }
    }

    /// One gateway per spool directory: a second one would replay, retry and dead-record the first one's events as
    /// its own (docs/async-invocations.md). The lock is taken before the spool is scanned and released by the
    /// kernel when the process ends, however it ends, so a crashed gateway's successor starts at once.
    static func lockSpool(_ directory: String) throws(GatewayStartError) -> Int32 {
        let path = directory + "/.lock"
        do {
            try FileIO.makeDirectory(directory)
            return try FileIO.lockExclusively(path)
        } catch  where error.isWouldBlock {
            throw GatewayStartError(
                "EVENT_SPOOL_DIR: \(directory) is in use by another esb-gateway (it holds \(path)); give each gateway "
                    + "its own directory")
        } catch {
            throw GatewayStartError("EVENT_SPOOL_DIR: cannot use \(directory): \(error)")
        }
    }

    /// `GATEWAY_LOOPS`, or one loop per core the process may run on.
    static func loopCount(_ env: GatewayEnvironment) -> Int {
        env.loops ?? OSThread.availableProcessors
    }

    /// The TLS context; creates a self-signed certificate when neither file exists (§3.1).
    static func certificate(_ env: GatewayEnvironment, log: GatewayLog) throws(GatewayStartError) -> TLSServerContext {
        let hasCert = FileIO.kind(of: env.tlsCertPath) != nil, hasKey = FileIO.kind(of: env.tlsKeyPath) != nil
        if !hasCert && !hasKey {
            for path in [env.tlsCertPath, env.tlsKeyPath] {
                let dir = String(path.reversed().drop { $0 != "/" }.reversed().dropLast())
                if !dir.isEmpty { try? FileIO.makeDirectory(dir) }
            }
            do {
                try SelfSignedCertificate.write(
                    certificatePath: env.tlsCertPath, keyPath: env.tlsKeyPath,
                    dnsNames: SelfSignedCertificate.defaultDNSNames(plus: env.tlsSubjectAltNames),
                    ipAddresses: SelfSignedCertificate.defaultIPAddresses(plus: env.tlsSubjectAltNames))
            } catch {
                throw GatewayStartError("cannot create a self-signed certificate at \(env.tlsCertPath): \(error)")
            }
            log.log(
                .warning, "created a self-signed certificate (CN localhost)",
                fields: [
                    (
                        "subject_alt_names",
                        .string((["localhost", "127.0.0.1"] + env.tlsSubjectAltNames).joined(separator: ","))
                    ), ("cert_path", .string(env.tlsCertPath)), ("key_path", .string(env.tlsKeyPath)),
                ])
        } else if hasCert != hasKey {
            throw GatewayStartError(
                "TLS: \(hasCert ? env.tlsKeyPath : env.tlsCertPath) is missing (give both files, or neither for a self-signed pair)"
            )
        }
        do {
            return try TLSServerContext(certificatePath: env.tlsCertPath, keyPath: env.tlsKeyPath)
        } catch {
            throw GatewayStartError("TLS: \(error)")
        }
    }

    /// Starts everything, serves until SIGTERM/SIGINT, drains; returns the exit status.
    func serve() async -> Int32 {
        let env = settings.environment
        await invoker.updateFunctions(config.current.functions.functions.map(\.poolSpec))
        await invoker.start()
        let goneWorkers = invoker.followGoneWorkers()  // the Manager's die events, without waiting for a heartbeat
        defer { goneWorkers.cancel() }
        events.start()
        if let scheduler {
            // A broken schedules.yml stops the start like the other files (§2.3); on reload the old one stays.
            do {
                scheduler.load(try loadSchedules())
            } catch {
                for d in error.diagnostics {
                    log.log(.error, d.description, logger: "gateway.config")
                    try? FileIO.writeAll(2, Array("\(d)\n".utf8))
                }
                log.log(.error, "cannot start: schedules configuration error")
                return 1
            }
            scheduler.start()
        }
        do {
            let port = try server.start()
            log.log(
                .info, "esb-gateway listening",
                fields: [
                    ("listen", .string(env.listen)), ("port", .int(port)), ("loops", .int(Self.loopCount(env))),
                ])
            if let metricsServer {
                try metricsServer.start()
                log.log(.info, "metrics listening", fields: [("listen", .string(env.metricsListen ?? ""))])
            }
        } catch {
            log.log(.error, "cannot start: \(error)")
            return 1
        }
        let watch =
            env.configWatchInterval > .zero
            ? ConfigFileWatch.start(
                paths: [
                    env.functionsConfigPath, env.routingConfigPath, env.schedulesConfigPath, env.tlsCertPath,
                    env.tlsKeyPath,
                ],
                interval: env.configWatchInterval)
            : nil
        await waitForSignals()
        watch?.cancel()
        return await drain()
    }

    /// Handles SIGHUP until SIGTERM or SIGINT arrives. The signals are read from signalfds on the primary loop
    /// (Reactor's `SignalWatcher`; `GatewayApp.prepareProcess` blocked them before any thread started).
    func waitForSignals() async {
        for await signal in SignalWatcher.signals([GatewayApp.sigHUP, GatewayApp.sigINT, GatewayApp.sigTERM]) {
            if signal == GatewayApp.sigHUP {
                await reload()
            } else {
                log.log(
                    .info, "signal \(signal == GatewayApp.sigTERM ? "SIGTERM" : "SIGINT"): draining",
                    fields: [("shutdown_timeout_s", .double(settings.environment.shutdownTimeout.frontSeconds))])
                return
            }
        }
    }

    /// SIGHUP (§2.3, §3.1): both files atomically, and the TLS certificate. A broken file keeps the old
    /// configuration in force; the error lines are logged.
    func reload() async {
        let env = settings.environment
        do {
            let next = try GatewayConfiguration.load(
                functionsPath: env.functionsConfigPath, routingPath: env.routingConfigPath, environment: environment)
            config.replace(with: next)
            await invoker.updateFunctions(next.functions.functions.map(\.poolSpec))
            for w in next.warnings { log.log(.warning, w, logger: "gateway.config") }
            log.log(
                .info, "configuration reloaded", logger: "gateway.config",
                fields: [
                    ("functions", .int(next.functions.functions.count)), ("routes", .int(next.routes.routes.count)),
                ])
        } catch {
            for d in error.diagnostics {
                log.log(.error, "reload refused, old configuration stays: \(d.description)", logger: "gateway.config")
            }
        }
        if let scheduler {
            do {
                scheduler.load(try loadSchedules())
            } catch {
                for d in error.diagnostics {
                    log.log(.error, "reload refused, old schedules stay: \(d.description)", logger: "gateway.config")
                }
            }
        }
        do {
            try tls.reload()
            log.log(
                .info, "TLS certificate reloaded", logger: "gateway.tls",
                fields: [("cert_path", .string(env.tlsCertPath))])
        } catch {
            log.log(.error, "TLS reload refused, old certificate stays: \(error)", logger: "gateway.tls")
        }
    }

    /// `schedules.yml`; a schedule naming a function that is not configured is a warning (its events would retry
    /// until `event_max_age`), `--check-config` makes it an error.
    func loadSchedules() throws(ConfigError) -> SchedulesConfig {
        let schedules = try SchedulesConfig.load(path: settings.environment.schedulesConfigPath)
        for d in schedules.undefinedFunctions(in: config.current.functions) {
            log.log(.warning, d.description, logger: "gateway.config")
        }
        return schedules
    }

    /// §3.10 SHUTDOWN_TIMEOUT: the listener closes at once, in-flight requests and accepted Event invocations
    /// finish, idle connections close; then the workers are released and the process exits.
    func drain() async -> Int32 {
        let deadline = ContinuousClock.now + settings.environment.shutdownTimeout
        async let http: Void = server.shutdown(gracePeriod: settings.environment.shutdownTimeout)
        scheduler?.stop()
        let left = await events.drain(until: deadline)
        await http
        events.close()
        if let metricsServer { await metricsServer.shutdown(gracePeriod: .seconds(1)) }
        if left > 0 {
            log.log(
                .warning,
                "drain deadline passed with \(left) Event attempts still running; they stay in the spool and run again at the next start"
            )
        }
        await invoker.shutdown()
        log.log(.info, "esb-gateway stopped")
        logSink.close(timeout: .seconds(2))
        return 0
    }

    /// Builds and runs the gateway from its environment.
    static func run(environment: [String: String]) async -> Int32 {
        let hostName = Posix.hostName() ?? "esb-gateway"
        let env: GatewayEnvironment
        do {
            env = try GatewayEnvironment.parse(environment, hostName: hostName)
        } catch {
            try? FileIO.writeAll(2, Array("esb-gateway: \(error)\n".utf8))
            return 1
        }
        let sink = LogSink(victoriaLogsURL: env.victoriaLogsURL, containerName: env.containerName)
        let log = GatewayLog(containerName: env.containerName, minimumLevel: .threshold(fromEnvironment: env.logLevel))
        {
            sink.write(jsonLine: $0)
        }
        func fail(_ message: String) -> Int32 {
            log.log(.error, message)
            try? FileIO.writeAll(2, Array("esb-gateway: \(message)\n".utf8))
            sink.close(timeout: .seconds(2))
            return 1
        }
        let decision: SecretsPolicy.Decision
        do {
            decision = try SecretsPolicy.evaluate(env) { SecureRandom.bytes(48) }
        } catch {
            return fail("refusing to start: \(error)")
        }
        for w in decision.warnings { log.log(.warning, w, logger: "gateway.secrets") }
        let configuration: GatewayConfiguration
        do {
            configuration = try GatewayConfiguration.load(
                functionsPath: env.functionsConfigPath, routingPath: env.routingConfigPath, environment: environment)
        } catch {
            // §2.1: one plain `PATH:LINE:COLUMN: what is wrong` line per error on stderr, as the Manager prints them.
            for d in error.diagnostics {
                log.log(.error, d.description, logger: "gateway.config")
                try? FileIO.writeAll(2, Array("\(d)\n".utf8))
            }
            return fail("configuration error")
        }
        for w in configuration.warnings { log.log(.warning, w, logger: "gateway.config") }
        let runtime: GatewayRuntime
        do {
            runtime = try GatewayRuntime(
                settings: GatewaySettings(environment: env, jwtKey: decision.jwtKey), log: log, logSink: sink,
                config: GatewayConfigStore(configuration), environment: environment)
        } catch {
            return fail(error.message)
        }
        return await runtime.serve()
    }
}

/// Why the gateway cannot start (one line for the log and stderr).
struct GatewayStartError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
