/// `esb provision` options.
public struct ProvisionRequest: Sendable {
    /// `--config DIR`.
    public var directory: String
    /// A request for `directory`.
    public init(directory: String) { self.directory = directory }
}

/// Runs `esb provision` (to be completed).
public enum ProvisionCommandRunner {
    /// Runs the request; returns the exit code.
    public static func run(_ request: ProvisionRequest, console: ConsoleOutput = .standard) async -> Int32 {
        console.err("error: esb provision is not available yet")
        return 1
    }
}
