/// The whole of `functions.yml` (docs/contract.md §2.1): functions in file order, looked up by name.
///
/// Load it with `FunctionsConfig.load(path:environment:)`; a missing file gives an empty configuration with
/// `isMissingFile` set, so the daemons can say "no functions" once.
public struct FunctionsConfig: Sendable, Equatable {
    /// The path the configuration was loaded from (as given).
    public var path: String
    /// Functions in file order.
    public private(set) var functions: [FunctionConfig]
    /// True when the file did not exist (the configuration is then empty).
    public var isMissingFile: Bool
    private var index: [String: Int]

    /// A configuration of `functions` (names must be unique; later duplicates are ignored by the lookup).
    public init(path: String = "functions.yml", functions: [FunctionConfig], isMissingFile: Bool = false) {
        self.path = path
        self.functions = functions
        self.isMissingFile = isMissingFile
        var index: [String: Int] = [:]
        for (i, f) in functions.enumerated() where index[f.name] == nil { index[f.name] = i }
        self.index = index
    }

    public subscript(name: String) -> FunctionConfig? {
        index[name].map { functions[$0] }
    }

    /// True when a function called `name` exists.
    public func contains(_ name: String) -> Bool { index[name] != nil }

    /// Function names in file order.
    public var names: [String] { functions.map(\.name) }

    /// Reads and validates the file at `path`, substituting `${NAME}`/`$NAME` in values from `environment`.
    /// A missing file is an empty configuration with `isMissingFile`; anything wrong is a `ConfigError` with one
    /// `PATH:LINE:COLUMN: message` per problem.
    public static func load(path: String, environment: [String: String]) throws(ConfigError) -> FunctionsConfig {
        guard let text = try ConfigFile.read(path: path) else {
            return FunctionsConfig(path: path, functions: [], isMissingFile: true)
        }
        return try parse(text, path: path, environment: environment)
    }

    /// Validates `text` as `functions.yml`; `path` labels errors.
    public static func parse(_ text: String, path: String, environment: [String: String]) throws(ConfigError)
        -> FunctionsConfig
    {
        var decoder = FunctionsConfigDecoder(path: path, environment: environment)
        return try decoder.decode(text)
    }
}
