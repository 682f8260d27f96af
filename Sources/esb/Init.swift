import ArgumentParser
import ESBCommands

/// `esb init [DIR]`: a small working SAM application.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a small working SAM application (template.yaml, one Python function, an event).",
        discussion: "Never overwrites a file: exit code 1 when DIR already holds one of them.")

    @Argument(help: ArgumentHelp("Where to write it (default: the current folder).", valueName: "DIR"))
    var directory = "."

    @Option(name: .long, help: ArgumentHelp("The function's runtime (default: python3.12).", valueName: "RUNTIME"))
    var runtime = "python3.12"

    func run() throws {
        try checkExitCode(InitCommandRunner.run(directory: directory, runtime: runtime))
    }
}
