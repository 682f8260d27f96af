import BoxCore
import Synchronization

/// The reloadable part of the gateway's configuration: `functions.yml` and `routing.yml` (docs/contract.md §2).
struct GatewayConfiguration: Sendable {
    /// The functions, by name.
    let functions: FunctionsConfig
    /// The routes.
    var routes: RoutingTable

    /// Warnings to log after loading: routing's own (legacy forms) and routes naming an undefined function
    /// (those answer 502 until the function appears).
    var warnings: [String] = []
    /// What the pools need of each function, made once per configuration: making it formats the function's
    /// worker definition (image, memory, environment), too much to do per request.
    let poolSpecs: [String: PoolFunctionSpec]

    init(functions: FunctionsConfig, routes: RoutingTable, warnings: [String] = []) {
        self.functions = functions
        self.routes = routes
        self.warnings = warnings
        var specs: [String: PoolFunctionSpec] = [:]
        for function in functions.functions where specs[function.name] == nil {
            specs[function.name] = function.poolSpec
        }
        poolSpecs = specs
    }

    /// Loads and validates both files; any error (with its `FILE:LINE:COLUMN` lines) leaves nothing half-loaded.
    static func load(functionsPath: String, routingPath: String, environment: [String: String])
        throws(ConfigError)
        -> GatewayConfiguration
    {
        // Both files are read before failing, so one start shows every error (as `--check-config` does).
        let functions: Result<FunctionsConfig, ConfigError> = Result {
            () throws(ConfigError) in try FunctionsConfig.load(path: functionsPath, environment: environment)
        }
        let routing: Result<RoutingConfig, ConfigError> = Result {
            () throws(ConfigError) in try RoutingConfig.load(path: routingPath)
        }
        switch (functions, routing) {
        case (.success(let functions), .success(let routing)):
            return configuration(functions: functions, routing: routing, functionsPath, routingPath)
        case (.failure(let a), .failure(let b)): throw ConfigError(a.diagnostics + b.diagnostics)
        case (.failure(let error), _), (_, .failure(let error)): throw error
        }
    }

    private static func configuration(
        functions: FunctionsConfig, routing: RoutingConfig, _ functionsPath: String, _ routingPath: String
    ) -> GatewayConfiguration {
        var configuration = GatewayConfiguration(functions: functions, routes: RoutingTable(routing))
        configuration.warnings = (routing.warnings + routing.undefinedFunctions(in: functions)).map(\.description)
        if functions.isMissingFile { configuration.warnings.append("\(functionsPath): not found, no functions") }
        if routing.isMissingFile { configuration.warnings.append("\(routingPath): not found, no routes") }
        return configuration
    }
}

/// Holds the configuration in force and swaps it atomically on `SIGHUP` (§2.3): a request reads one snapshot
/// for its whole life, so requests in flight are not disturbed.
public final class GatewayConfigStore: Sendable {
    private let state: Mutex<GatewayConfiguration>

    /// A store holding `initial`.
    init(_ initial: GatewayConfiguration) {
        state = Mutex(initial)
    }

    /// The configuration in force.
    var current: GatewayConfiguration { state.withLock { $0 } }

    /// Puts `configuration` in force for every request that starts from now on.
    func replace(with configuration: GatewayConfiguration) {
        state.withLock { $0 = configuration }
    }
}
