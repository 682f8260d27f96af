/// The whole of `routing.yml` (docs/contract.md §2.2): routes in file order, plus warnings (legacy keys that are
/// ignored). No `${NAME}` substitution here: docs/contract.md §2.1 defines it for `functions.yml` only, and a `$` in a
/// path is literal.
public struct RoutingConfig: Sendable, Equatable {
    /// The path the configuration was loaded from (as given).
    public var path: String
    /// Routes in file order.
    public var routes: [Route]
    /// Problems that do not stop the load (log each once).
    public var warnings: [ConfigDiagnostic]
    /// True when the file did not exist (no routes).
    public var isMissingFile: Bool

    public init(
        path: String = "routing.yml", routes: [Route], warnings: [ConfigDiagnostic] = [], isMissingFile: Bool = false
    ) {
        self.path = path
        self.routes = routes
        self.warnings = warnings
        self.isMissingFile = isMissingFile
    }

    /// Reads and validates the file at `path`; a missing file is an empty configuration with `isMissingFile`.
    public static func load(path: String) throws(ConfigError) -> RoutingConfig {
        guard let text = try ConfigFile.read(path: path) else {
            return RoutingConfig(path: path, routes: [], isMissingFile: true)
        }
        return try parse(text, path: path)
    }

    /// Validates `text` as `routing.yml`; `path` labels errors.
    public static func parse(_ text: String, path: String) throws(ConfigError) -> RoutingConfig {
        var decoder = RoutingConfigDecoder(path: path)
        return try decoder.decode(text)
    }

    /// One error per route whose function is not in `functions` (at the route's position), for
    /// `--check-config`. At run time the Gateway answers such a request `502 Internal server error` instead.
    public func undefinedFunctions(in functions: FunctionsConfig) -> [ConfigDiagnostic] {
        routes.filter { !functions.contains($0.function) }.map {
            ConfigDiagnostic(
                path: path, line: $0.line, column: $0.column,
                message: "route \($0.routeKey): function \"\($0.function)\" is not defined in \(functions.path)")
        }
    }
}
