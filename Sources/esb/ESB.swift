// esb: the Edge Serverless Box command line (docs/contract.md §5, §9). The logic lives in ESBCommands (the
// commands) over SAMGenerator (the generator); this file only declares the commands and their options.
import ArgumentParser
import ESBCommands
import SAMGenerator

/// `esb` and its subcommands.
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

// Top-level code cannot carry @main, and in it `ESB.main()` resolves to the synchronous overload (which
// refuses async subcommands): parse and dispatch by hand, in an async function, as AsyncParsableCommand does.
func dispatch() async {
    do {
        var command = try ESB.parseAsRoot()
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    } catch {
        ESB.exit(withError: error)
    }
}

await dispatch()
