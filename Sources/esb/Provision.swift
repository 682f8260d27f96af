import ArgumentParser
import ESBCommands

/// `esb provision`: the tables and buckets of DIR/resources.yml.
struct Provision: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the DynamoDB tables and S3 buckets of a generated project.",
        discussion: """
            Reads DIR/resources.yml and creates each table at DYNAMODB_ENDPOINT and each bucket at S3_ENDPOINT \
            with SigV4-signed requests (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION). What already \
            exists is left as it is, so running it twice is fine.
            """)

    @OptionGroup var project: ProjectDirectory

    func run() async throws {
        try checkExitCode(await ProvisionCommandRunner.run(ProvisionRequest(directory: project.path)))
    }
}
