// esb: the Edge Serverless Box command line (docs/contract.md §5, §9). The logic lives in ESBCommands (the
// commands) over SAMGenerator (the generator); this file only declares the commands and their options.
import ArgumentParser
import ESBCommands
import SAMGenerator

/// `esb` and its subcommands.
@main
struct ESB: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "esb",
        abstract: "Edge Serverless Box: turn an AWS SAM template into a running box.",
        version: "esb \(ESBVersion.current)",
        subcommands: [
            Init.self, Validate.self, Generate.self, Build.self, Provision.self, Deploy.self, Invoke.self, Logs.self,
        ])
}

/// Ends a subcommand with its runner's exit code (0: returns normally).
func checkExitCode(_ code: Int32) throws {
    if code != 0 { throw ExitCode(code) }
}
