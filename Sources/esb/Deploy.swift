import ArgumentParser
import ESBCommands

/// `esb deploy --to CONFIG_DIR`: the generated configuration into the box's configuration folder.
struct Deploy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the generated functions.yml and routing.yml into the box's configuration folder, atomically.",
        discussion: """
            Checks them with the daemons' own loaders first (nothing is copied when they would be refused), \\
            replaces each file by a rename, functions.yml first, then sends SIGHUP to the daemons named with \\
            --hup / --hup-container.
            """)

    @OptionGroup var project: ProjectDirectory

    @Option(name: .long, help: ArgumentHelp("The box's configuration folder.", valueName: "CONFIG_DIR"))
    var to: String

    @Option(name: .long, help: ArgumentHelp("A daemon's process id to send SIGHUP to (repeatable).", valueName: "PID"))
    var hup: [Int32] = []

    @Option(
        name: .customLong("hup-container"),
        help: ArgumentHelp("A daemon's container to send SIGHUP to, e.g. esb-gateway (repeatable).", valueName: "NAME"))
    var hupContainers: [String] = []

    func run() throws {
        var request = DeployRequest(directory: project.path, target: to)
        request.pids = hup
        request.containers = hupContainers
        try checkExitCode(DeployCommandRunner.run(request))
    }
}
