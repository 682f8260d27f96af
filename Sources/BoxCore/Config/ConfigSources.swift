/// Where the daemons read their configuration and what `${NAME}` in `functions.yml` expands to (docs/contract.md §2,
/// §3.1, §4.1): `FUNCTIONS_CONFIG_PATH` (default `/app/config/functions.yml`), `ROUTING_CONFIG_PATH` (default
/// `/app/config/routing.yml`), and the process environment with `LOG_LEVEL` defaulting to `INFO` (as the
/// reference did), so `"${LOG_LEVEL}"` in the defaults never reaches a function unexpanded.
///
/// Both daemons load through this type at start-up and on `SIGHUP`; a reload that throws leaves the old
/// configuration in force (§2.3).
public struct ConfigSources: Sendable, Equatable {
    public static let defaultFunctionsPath = "/app/config/functions.yml"
    public static let defaultRoutingPath = "/app/config/routing.yml"

    public var functionsPath: String
    public var routingPath: String
    /// Path of `schedules.yml` (`SCHEDULES_CONFIG_PATH`, gateway only; docs/async-invocations.md).
    public var schedulesPath: String = "/app/config/schedules.yml"
    /// Variables for `${NAME}` / `$NAME` substitution in `functions.yml` values.
    public var substitutionEnvironment: [String: String]

    /// Paths and substitution variables from a process environment.
    public init(environment: [String: String]) {
        functionsPath = Self.nonEmpty(environment["FUNCTIONS_CONFIG_PATH"]) ?? Self.defaultFunctionsPath
        routingPath = Self.nonEmpty(environment["ROUTING_CONFIG_PATH"]) ?? Self.defaultRoutingPath
        schedulesPath = Self.nonEmpty(environment["SCHEDULES_CONFIG_PATH"]) ?? schedulesPath
        var substitution = environment
        if Self.nonEmpty(substitution["LOG_LEVEL"]) == nil { substitution["LOG_LEVEL"] = "INFO" }
        substitutionEnvironment = substitution
    }

    /// Explicit paths and substitution variables (tests, tools).
    public init(functionsPath: String, routingPath: String, substitutionEnvironment: [String: String] = [:]) {
        self.functionsPath = functionsPath
        self.routingPath = routingPath
        self.substitutionEnvironment = substitutionEnvironment
    }

    /// `functions.yml` (empty with `isMissingFile` when absent).
    public func loadFunctions() throws(ConfigError) -> FunctionsConfig {
        try FunctionsConfig.load(path: functionsPath, environment: substitutionEnvironment)
    }

    /// `routing.yml` (empty with `isMissingFile` when absent).
    public func loadRouting() throws(ConfigError) -> RoutingConfig {
        try RoutingConfig.load(path: routingPath)
    }

    private static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.isEmpty else { return nil }
        return s
    }
}
