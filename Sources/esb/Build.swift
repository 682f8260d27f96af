import ArgumentParser
import ESBCommands

/// `esb build`: docker build of every function image listed in DIR/functions.yml.
struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the function images of a generated project with docker build.",
        discussion: """
            Resolves dependencies on this machine (pip install --target for requirements.txt, npm install for \
            package.json), stages each function's build folder and runs docker build with one progress line \
            per image. Exit code 1 when any image failed.
            """)

    @OptionGroup var project: ProjectDirectory

    @Option(
        name: .customLong("base-image"),
        help: ArgumentHelp(
            "Base image for every runtime, or RUNTIME=IMAGE for one (repeatable).", valueName: "[RUNTIME=]IMAGE"))
    var baseImages: [String] = []

    @Flag(name: .customLong("no-cache"), help: "Build without docker's layer cache.")
    var noCache = false

    @Flag(name: .long, help: "Stream pip/npm/docker output instead of keeping it in build logs.")
    var verbose = false

    @Argument(help: "Only these functions (default: all).")
    var functions: [String] = []

    func run() throws {
        var request = BuildRequest(directory: project.path)
        request.baseImages = baseImages
        request.noCache = noCache
        request.verbose = verbose
        request.only = functions
        try checkExitCode(BuildCommandRunner.run(request))
    }
}
