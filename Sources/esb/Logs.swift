import ArgumentParser
import ESBCommands

/// `esb logs NAME [--follow] [--since DURATION]`.
struct Logs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a function's log lines (VictoriaLogs when VICTORIALOGS_URL is set, else the Docker engine).",
        discussion: """
            From the Docker engine: the output of every worker container of the function, each line prefixed \\
            with the container's name; --follow keeps printing, also from workers started later, until Ctrl-C.
            """)

    @Argument(help: ArgumentHelp("The function's name.", valueName: "NAME"))
    var function: String

    @Flag(name: [.customShort("f"), .long], help: "Keep printing new lines until interrupted.")
    var follow = false

    @Option(name: .long, help: ArgumentHelp("Only lines this recent: 30s, 10m, 2h, 1d.", valueName: "DURATION"))
    var since: String?

    @Option(
        name: .customLong("env-file"),
        help: ArgumentHelp("Where the box's .env is (default: ./.env).", valueName: "FILE"))
    var envFile = ".env"

    func run() async throws {
        var request = LogsRequest(function: function)
        request.follow = follow
        request.since = since
        request.envFile = envFile
        try checkExitCode(await LogsCommandRunner.run(request))
    }
}
