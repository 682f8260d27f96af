import BoxCore
import DockerEngine
import HTTP1
import Posix
import Reactor
import Telemetry

/// The `esb-manager` process: environment → settings, logging, `functions.yml`, the HTTP server on
/// `MANAGER_LISTEN`, Docker supervision; SIGHUP reloads `functions.yml` (a broken file keeps the old one),
/// SIGTERM/SIGINT stop the server (in-flight calls finish) and exit 0. Workers keep running for the next start.
public enum ManagerDaemon {
    /// The development value of `MANAGER_TOKEN` (`.env.example`): refused with `ESB_ENV=production`.
    static let developmentToken = "dev-manager-token-change-in-production"
    // Linux signal numbers (signal(7)), as the gateway spells them: no C import outside the boundary modules.
    static let sigHUP: Int32 = 1
    static let sigINT: Int32 = 2
    static let sigTERM: Int32 = 15

    /// Runs until SIGTERM; returns the exit status.
    public static func run(environment: [String: String]) async -> Int32 {
        // A closed stdout or a peer gone away is an error to handle, not a reason to die.
        Signals.ignoreBrokenPipe()
        let settings: ManagerSettings
        do {
            settings = try ManagerSettings(environment: environment)
        } catch {
            try? FileIO.writeAll(2, Array("esb-manager: \(error)\n".utf8))
            return 1
        }
        let hostName = Posix.hostName()  // the default `container_name`
        let sink = LogSink(victoriaLogsURL: settings.victoriaLogsURL, containerName: settings.containerName ?? hostName)
        let logger = Logger("manager", level: .threshold(fromEnvironment: environment["LOG_LEVEL"]), sink: sink)
        defer { sink.close() }

        if settings.token.isEmpty {
            logger.error("MANAGER_TOKEN is not set: refusing to start (every API call would be refused)")
            return 1
        }
        if settings.token == developmentToken {
            if environment["ESB_ENV"]?.lowercased() == "production" {
                logger.error("MANAGER_TOKEN is the development value: refusing to start with ESB_ENV=production")
                return 1
            }
            logger.warning(
                "MANAGER_TOKEN is the documented development value: change it before the box leaves your desk")
        }
        let sources = ConfigSources(environment: environment)
        let functions: FunctionsConfig
        do {
            functions = try sources.loadFunctions()
        } catch {
            for diagnostic in error.diagnostics { try? FileIO.writeAll(2, Array("\(diagnostic)\n".utf8)) }
            logger.error("functions.yml is invalid", fields: ["errors": .int(error.diagnostics.count)])
            return 1
        }
        if functions.isMissingFile {
            logger.warning(
                "no functions.yml: starting with no functions", fields: ["path": .string(sources.functionsPath)])
        }
        let dockerHost: DockerHost
        do {
            dockerHost = try DockerHost.fromEnvironment(environment)
        } catch {
            logger.error("\(error.message)")
            return 1
        }

        let service = ManagerService(
            settings: settings, functions: functions, backend: DockerClient(host: dockerHost), logger: logger)
        let server = HTTPServer(configuration: HTTPServerConfiguration(listen: settings.listen)) { request, _ in
            await service.handle(request)
        }
        // Starts one listener and logs `message` with its address, port and `more`; false (logged) when it cannot.
        func start(_ server: HTTPServer, _ listen: ListenAddress, _ message: String, _ more: JSONObject = [:]) -> Bool {
            do {
                let port = try server.start()
                var fields: JSONObject = ["listen": .string("\(listen)"), "port": .int(port)]
                for member in more { fields.append(key: member.key, value: member.value) }
                logger.info(message, fields: fields)
                return true
            } catch {
                logger.error(
                    "cannot listen", fields: ["listen": .string("\(listen)"), "error": .string(error.message)])
                return false
            }
        }
        let startup: JSONObject = [
            "docker": .string("\(dockerHost)"), "functions": .int(functions.functions.count),
            "address_mode": .string(settings.addressMode.rawValue),
        ]
        guard start(server, settings.listen, "esb-manager listening", startup) else { return 1 }
        // `GET /metrics` on its own listener, like the gateway's (docs/observability.md).
        let metricsServer = settings.metricsListen.map { listen in
            HTTPServer(configuration: HTTPServerConfiguration(listen: listen)) { request, _ in
                guard request.method == "GET", request.path == "/metrics" else {
                    return HTTPResponse(status: 404, contentType: "text/plain; charset=utf-8", text: "Not Found\n")
                }
                return await service.metricsResponse()
            }
        }
        if let metricsServer, let listen = settings.metricsListen, !start(metricsServer, listen, "metrics listening") {
            return 1
        }
        service.start()

        // Read from signalfds on the primary loop (Reactor's SignalWatcher); `prepareProcess` blocked them.
        let signals = SignalWatcher.signals([sigTERM, sigINT, sigHUP])
        let watch =
            settings.configWatchInterval > .zero
            ? ConfigFileWatch.start(paths: [sources.functionsPath], interval: settings.configWatchInterval) : nil
        defer { watch?.cancel() }
        for await signal in signals {
            if signal == sigHUP {
                do {
                    await service.reload(try sources.loadFunctions())
                } catch {
                    for diagnostic in error.diagnostics {
                        logger.error("reload refused: \(diagnostic)", fields: ["path": .string(diagnostic.path)])
                    }
                    logger.error("functions.yml reload failed: the previous configuration stays in force")
                }
                continue
            }
            logger.info("shutting down", fields: ["signal": .int(Int(signal))])
            service.endLongPolls()
            await server.shutdown(gracePeriod: .seconds(10))
            await metricsServer?.shutdown(gracePeriod: .seconds(1))
            await service.shutdown()
            logger.info("stopped")
            return 0
        }
        return 0
    }
}

extension ManagerDaemon {
    /// Blocks SIGTERM/SIGINT/SIGHUP: call first in `main`, before any thread exists (threads inherit the mask), so
    /// they reach only the signalfds that `run` reads.
    public static func prepareProcess() {
        SignalWatcher.blockInProcess([sigTERM, sigINT, sigHUP])
    }
}
