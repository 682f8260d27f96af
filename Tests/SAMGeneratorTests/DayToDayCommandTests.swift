import Foundation
import Testing

@testable import ESBCommands
@testable import SAMGenerator

/// `esb init`, `esb deploy`, and the pieces of `esb invoke` / `esb logs` that need no running box (the whole
/// loop against the real daemons is tests-e2e/test_cli_box_loop.py).
@Suite("esb init, deploy, invoke, logs")
struct DayToDayCommandTests {
    static func temporaryFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.path + "/esb-day-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func initWritesAnApplicationThatGeneratesAndNeverOverwrites() throws {
        let root = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let recorder = GenerateCommandTests.Recorder()
        #expect(InitCommandRunner.run(directory: root + "/app", runtime: "python3.11", console: recorder.console) == 0)
        var options = GeneratorOptions(
            templatePath: "template.yaml", templateDirectory: root + "/app", outputDirectory: root + "/app/.esb")
        options.hostArchitecture = "x86_64"
        let project = try ProjectGenerator.generate(
            templateText: try Fixtures.read(root + "/app/template.yaml"), options: options,
            fileSystem: LocalFileSystem())
        #expect(project.warnings.isEmpty)
        #expect(GenerateCommandRunner.summaryLine(project) == "1 function, 1 route, 0 warnings")
        try "mine\n".write(toFile: root + "/app/src/hello/app.py", atomically: true, encoding: .utf8)
        let again = GenerateCommandTests.Recorder()
        #expect(InitCommandRunner.run(directory: root + "/app", runtime: "python3.11", console: again.console) == 1)
        #expect(try Fixtures.read(root + "/app/src/hello/app.py") == "mine\n")
        #expect(InitCommandRunner.run(directory: root + "/other", runtime: "java21", console: again.console) == 1)
    }

    @Test func deployChecksReplacesAtomicallyAndSignals() throws {
        let root = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let out = root + "/out", config = root + "/config"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
        let functions = "functions:\n  HelloFunction: {}\n"
        try functions.write(toFile: out + "/functions.yml", atomically: true, encoding: .utf8)
        try "routes:\n  - path: /hello\n    method: GET\n    function: HelloFunction\n".write(
            toFile: out + "/routing.yml", atomically: true, encoding: .utf8)
        try "old\n".write(toFile: config + "/functions.yml", atomically: true, encoding: .utf8)
        let inodeBefore =
            try FileManager.default.attributesOfItem(atPath: config + "/functions.yml")[.systemFileNumber] as? Int

        // A real process to signal. The test runner's threads block signals and a child inherits that mask, so it
        // unblocks SIGHUP and SIGALRM, installs its own handler, says so, and exits 42 on SIGHUP (9 after 30 s).
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sleeper.arguments = [
            "python3", "-c",
            "import signal, sys\nsignal.signal(signal.SIGHUP, lambda *a: sys.exit(42))\nsignal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGHUP, signal.SIGALRM])\nsignal.alarm(30)\nprint('ready', flush=True)\nsignal.pause()\nsys.exit(9)",
        ]
        let ready = Pipe()
        sleeper.standardOutput = ready
        try sleeper.run()
        #expect(String(decoding: ready.fileHandleForReading.readData(ofLength: 6), as: UTF8.self) == "ready\n")
        var request = DeployRequest(directory: out, target: config)
        request.pids = [sleeper.processIdentifier]
        let recorder = GenerateCommandTests.Recorder()
        #expect(DeployCommandRunner.run(request, console: recorder.console) == 0)
        sleeper.waitUntilExit()
        #expect(sleeper.terminationStatus == 42, "the process got SIGHUP")
        #expect(try Fixtures.read(config + "/functions.yml") == functions)
        let inodeAfter =
            try FileManager.default.attributesOfItem(atPath: config + "/functions.yml")[.systemFileNumber] as? Int
        #expect(inodeBefore != inodeAfter, "replaced by a rename, not rewritten in place")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: config).sorted() == ["functions.yml", "routing.yml"])
        #expect(recorder.all.contains("out: sent SIGHUP to process \(sleeper.processIdentifier)"))

        let again = GenerateCommandTests.Recorder()
        #expect(DeployCommandRunner.run(DeployRequest(directory: out, target: config), console: again.console) == 0)
        #expect(
            again.all.prefix(2) == ["out: unchanged \(config)/functions.yml", "out: unchanged \(config)/routing.yml"])
    }

    @Test(arguments: [
        ("hello", "hello"), ("my-func:$LATEST", "my-func%3A%24LATEST"),
        (
            "arn:aws:lambda:ap-northeast-1:000000000000:function:Fn",
            "arn%3Aaws%3Alambda%3Aap-northeast-1%3A000000000000%3Afunction%3AFn"
        ),
    ])
    func invokePathsAreEncodedAsBotocoreSendsThem(_ name: String, _ encoded: String) {
        #expect(InvokeCommandRunner.percentEncoded(name) == encoded)
    }

    @Test func invokeEventsAreJSONFromAFileStdinOrEmpty() throws {
        #expect(try InvokeCommandRunner.eventBody(nil, stdin: { [] }) == Array("{}".utf8))
        #expect(try InvokeCommandRunner.eventBody("-", stdin: { Array("[1]".utf8) }) == Array("[1]".utf8))
        #expect(throws: CommandError.self) { try InvokeCommandRunner.eventBody("-", stdin: { Array("not json".utf8) }) }
        #expect(throws: CommandError.self) {
            try InvokeCommandRunner.eventBody("/nonexistent/event.json", stdin: { [] })
        }
    }

    @Test func invokeSaysWhichKeysAreMissing() async {
        let recorder = GenerateCommandTests.Recorder()
        let code = await InvokeCommandRunner.run(
            InvokeRequest(function: "f"), environment: BoxEnvironment(processEnvironment: [:], envFile: nil),
            console: recorder.console)
        #expect(code == 1)
        #expect(
            recorder.all == [
                "err: error: INVOKE_ACCESS_KEY_ID and INVOKE_SECRET_ACCESS_KEY must be set (in the environment or in .env beside the compose file)"
            ])
    }

    @Test func dotEnvIsReadAsComposeReadsIt() throws {
        let root = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try
            "# box\nexport INVOKE_ACCESS_KEY_ID=AKID\nINVOKE_SECRET_ACCESS_KEY=\"s e c\"\nAWS_REGION='eu-west-1'\nEMPTY=\n"
            .write(
                toFile: root + "/.env", atomically: true, encoding: .utf8)
        let env = BoxEnvironment(processEnvironment: ["AWS_REGION": "us-east-1"], envFile: root + "/.env")
        #expect(env["INVOKE_ACCESS_KEY_ID"] == "AKID")
        #expect(env["INVOKE_SECRET_ACCESS_KEY"] == "s e c")
        #expect(env.region == "us-east-1", "the process environment wins")
        #expect(env["EMPTY"] == nil)
    }

    @Test(arguments: [("30s", 30), ("10m", 600), ("1.5h", 5400), ("1d", 86400)])
    func sinceDurations(_ text: String, _ seconds: Int) throws {
        #expect(try LogsCommandRunner.seconds(text) == seconds)
    }

    @Test func aBadSinceIsRefused() {
        #expect(throws: CommandError.self) { try LogsCommandRunner.seconds("10 minutes") }
    }
}
