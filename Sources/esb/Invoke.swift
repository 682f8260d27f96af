import ArgumentParser
import ESBCommands

/// `esb invoke NAME`: the box's Lambda Invoke API, as `aws lambda invoke` would call it.
struct Invoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Invoke a function through the box's Invoke API (SigV4-signed with the box's keys).",
        discussion: """
            Signs with INVOKE_ACCESS_KEY_ID / INVOKE_SECRET_ACCESS_KEY (the environment, else .env in the current \\
            folder, the one beside the compose file) and AWS_REGION. Prints the payload on stdout. Exit code 1 \\
            when the function failed (X-Amz-Function-Error) or the call was refused.
            """)

    @Argument(help: ArgumentHelp("The function's name (an ARN or NAME:$LATEST also work).", valueName: "NAME"))
    var function: String

    @Option(
        name: .long, help: ArgumentHelp("The event: a JSON file, or - for stdin (default: {}).", valueName: "FILE|-"))
    var event: String?

    @Option(name: .long, help: ArgumentHelp("RequestResponse (default), Event or DryRun.", valueName: "TYPE"))
    var type = "RequestResponse"

    @Option(
        name: .long,
        help: ArgumentHelp("The gateway (default: ESB_ENDPOINT, else https://localhost).", valueName: "URL"))
    var endpoint: String?

    @Option(
        name: .customLong("ca-file"),
        help: ArgumentHelp("Trust this certificate (default: AWS_CA_BUNDLE).", valueName: "PEM"))
    var caFile: String?

    @Flag(name: [.customShort("k"), .long], help: "Do not verify the gateway's certificate.")
    var insecure = false

    @Option(
        name: .customLong("env-file"),
        help: ArgumentHelp("Where the box's .env is (default: ./.env).", valueName: "FILE"))
    var envFile = ".env"

    func run() async throws {
        var request = InvokeRequest(function: function)
        request.event = event
        request.invocationType = type
        request.endpoint = endpoint
        request.caFile = caFile
        request.insecure = insecure
        request.envFile = envFile
        try checkExitCode(await InvokeCommandRunner.run(request))
    }
}
