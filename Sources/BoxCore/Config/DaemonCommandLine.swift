/// The command-line contract shared by `esb-gateway` and `esb-manager` (docs/contract.md §9): `--check-config`,
/// `--version`, `--help`; no argument means "run the daemon". `main.swift` calls `interpret` first; for an `.exit`
/// it writes the outputs itself (BoxCore does no terminal I/O) and exits with the status.
///
/// `--check-config` prints `ok` (or one `FILE:LINE:COLUMN: message` line per error) on standard output and exits
/// 0 (or 1); warnings and notes go to standard error. A wrong argument exits 2 with the usage on standard error.
public enum DaemonCommandLine {
    /// The box's version, printed by `--version`.
    public static let version = "0.1.0"

    /// Which daemon is asking.
    public enum Daemon: String, Sendable, Hashable {
        case gateway = "esb-gateway"
        case manager = "esb-manager"

        /// The executable's name.
        public var name: String { rawValue }
    }

    /// What `main.swift` should do.
    public enum Action: Sendable, Equatable {
        /// Start the daemon.
        case run
        /// Write `standardOutput` and `standardError` (each empty or ending in a newline) and exit with `status`.
        case exit(status: Int32, standardOutput: String, standardError: String)
    }

    /// The action for `arguments` (as `CommandLine.arguments`: the program first).
    public static func interpret(_ arguments: [String], daemon: Daemon, environment: [String: String]) -> Action {
        let options = Array(arguments.dropFirst())
        switch options {
        case []:
            return .run
        case ["--check-config"]:
            return checkConfig(daemon, environment: environment)
        case ["--version"]:
            return .exit(status: 0, standardOutput: "\(daemon.name) \(version)\n", standardError: "")
        case ["--help"], ["-h"]:
            return .exit(status: 0, standardOutput: usage(daemon), standardError: "")
        default:
            let known = ["--check-config", "--version", "--help", "-h"]
            let problem =
                options.first { !known.contains($0) }.map { "unknown option '\($0)'" } ?? "only one option at a time"
            return .exit(status: 2, standardOutput: "", standardError: "\(daemon.name): \(problem)\n" + usage(daemon))
        }
    }

    /// `--check-config` for `daemon` with the paths and variables of `environment`.
    public static func checkConfig(_ daemon: Daemon, environment: [String: String]) -> Action {
        let report = ConfigCheck.run(daemon, sources: ConfigSources(environment: environment))
        let err = (report.warnings.map { "warning: \($0)" } + report.notes.map { "note: \($0)" })
            .map { $0 + "\n" }.joined()
        if report.isOK { return .exit(status: 0, standardOutput: "ok\n", standardError: err) }
        return .exit(status: 1, standardOutput: report.errors.map { "\($0)\n" }.joined(), standardError: err)
    }

    /// The `--help` text.
    public static func usage(_ daemon: Daemon) -> String {
        var files = "  FUNCTIONS_CONFIG_PATH   functions.yml (default \(ConfigSources.defaultFunctionsPath))"
        let role: String
        switch daemon {
        case .gateway:
            role = "HTTPS gateway of Edge Serverless Box (AWS Lambda + API Gateway compatible)."
            files += "\n  ROUTING_CONFIG_PATH     routing.yml (default \(ConfigSources.defaultRoutingPath))"
        case .manager:
            role = "Worker manager of Edge Serverless Box (the only process that talks to Docker)."
        }
        let continuation = String(repeating: " ", count: daemon.name.count + 20)
        return """
            \(daemon.name) \(version): \(role)

            Usage:
              \(daemon.name)                  run (configured by environment variables)
              \(daemon.name) --check-config   validate the configuration: prints "ok" or FILE:LINE:COLUMN: message
            \(continuation)lines; exit status 0 or 1
              \(daemon.name) --version        print the version
              \(daemon.name) --help           print this help

            Configuration files:
            \(files)
            See docs/configuration.md for the file formats.

            """
    }
}
