import ArgumentParser
import ESBCommands

/// `esb generate`: SAM template → Dockerfiles, functions.yml, routing.yml, resources.yml, build.yml.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate Dockerfiles and the box's configuration from a SAM template.",
        discussion: """
            Writes DIR/functions.yml, DIR/routing.yml, DIR/resources.yml, DIR/build.yml and, per function, \
            DIR/functions/<name>/Dockerfile. Prints one line per file and the warnings (FILE:LINE:COLUMN); \
            on any error nothing is written and the exit code is 1.
            """)

    @OptionGroup var template: TemplateOptions

    @Option(
        name: .long, help: ArgumentHelp("The output folder (default: .esb next to the template).", valueName: "DIR"))
    var output: String?

    @Flag(name: .customLong("dry-run"), help: "Print the files instead of writing them.")
    var dryRun = false

    func run() throws {
        var request = template.request()
        request.output = output
        request.dryRun = dryRun
        try checkExitCode(GenerateCommandRunner.run(request))
    }
}

/// `esb validate`: everything `esb generate` checks, nothing written.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a SAM template as esb generate would, without writing anything.",
        discussion: """
            Prints the warnings and errors (FILE:LINE:COLUMN) and a summary line such as \
            "4 functions, 3 routes, 1 table, 2 warnings". Exit code 1 when the template has an error.
            """)

    @OptionGroup var template: TemplateOptions

    func run() throws {
        var request = template.request()
        request.validateOnly = true
        try checkExitCode(GenerateCommandRunner.run(request))
    }
}

/// The options `esb generate` and `esb validate` share: which template, with which values.
struct TemplateOptions: ParsableArguments {
    @Option(
        name: [.customShort("t"), .long],
        help: ArgumentHelp("The SAM template (default: template.yaml, else template.yml).", valueName: "PATH"))
    var template: String?

    @Option(
        name: .long,
        help: ArgumentHelp("generator.yml with the same options (the command line wins).", valueName: "generator.yml"))
    var config: String?

    @Option(
        name: .customLong("param"),
        help: ArgumentHelp("A template parameter value (repeatable).", valueName: "KEY=VALUE"))
    var parameters: [String] = []

    @Option(
        name: .customLong("parameter-overrides"),
        help: ArgumentHelp(
            "Parameter values as SAM takes them: \"Key=Value Key2='two words'\".", valueName: "OVERRIDES"))
    var parameterOverrides: [String] = []

    @Option(
        name: .customLong("base-image"),
        help: ArgumentHelp(
            "Base image for every runtime, or RUNTIME=IMAGE for one (repeatable).", valueName: "[RUNTIME=]IMAGE"))
    var baseImages: [String] = []

    @Option(
        name: .long, help: ArgumentHelp("AWS::Region (default: samconfig.toml's, else ap-northeast-1).", valueName: "R")
    )
    var region: String?

    @Option(
        name: .customLong("stack-name"),
        help: ArgumentHelp(
            "AWS::StackName (default: samconfig.toml's, else the template's folder name).", valueName: "N"))
    var stackName: String?

    @Option(
        name: .customLong("image-prefix"),
        help: ArgumentHelp("Prefix of every image name, e.g. registry.local/esb/.", valueName: "PREFIX"))
    var imagePrefix: String?

    @Option(
        name: .customLong("image-tag"), help: ArgumentHelp("Tag of every image (default: latest).", valueName: "TAG"))
    var imageTag: String?

    @Flag(
        name: .customLong("skip-unsupported"),
        help: "Leave out functions of runtimes the box cannot run (Go, Java, .NET...) with a warning.")
    var skipUnsupported = false

    @Flag(name: .long, help: "List every warning, also those about settings with no effect in the box.")
    var verbose = false

    func request() -> GenerateRequest {
        var request = GenerateRequest()
        request.template = template
        request.config = config
        request.parameters = parameters
        request.parameterOverrides = parameterOverrides
        request.baseImages = baseImages
        request.region = region
        request.stackName = stackName
        request.imagePrefix = imagePrefix
        request.imageTag = imageTag
        request.skipUnsupported = skipUnsupported
        request.verbose = verbose
        return request
    }
}
