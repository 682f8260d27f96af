import BoxCore
import Foundation
import Testing

/// `--check-config` (docs/contract.md §9): the BoxCore function on real files, and the built `esb-gateway` /
/// `esb-manager` binaries run as processes.
struct ConfigCheckTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/config").path

    static func sources(_ dir: String, environment: [String: String] = [:]) -> ConfigSources {
        ConfigSources(
            functionsPath: "\(fixtures)/\(dir)/functions.yml", routingPath: "\(fixtures)/\(dir)/routing.yml",
            substitutionEnvironment: environment)
    }

    @Test(arguments: [DaemonCommandLine.Daemon.gateway, .manager])
    func goodFilesAreOK(scope: DaemonCommandLine.Daemon) {
        let report = ConfigCheck.run(scope, sources: Self.sources("good"))
        #expect(report == ConfigCheck.Report(errors: [], warnings: [], notes: []))
        #expect(report.isOK)
    }

    @Test func schedulesAreCheckedAndMustNameConfiguredFunctions() throws {
        let path = FileManager.default.temporaryDirectory.path + "/esb-check-\(UUID().uuidString)-schedules.yml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var sources = Self.sources("good")
        sources.schedulesPath = path
        try "schedules:\n  - name: a\n    function: nope\n    expression: \"rate(1 minute)\"\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        let report = ConfigCheck.run(.gateway, sources: sources)
        #expect(report.errors.count == 1)
        #expect(
            report.errors.first?.description.hasPrefix(
                "\(path):2:5: schedule \"a\" names function \"nope\", which is not in ") == true)
        try "schedules:\n  - name: a\n    function: nope\n    expression: \"rate(1 minutes)\"\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        #expect(ConfigCheck.run(.gateway, sources: sources).errors.map(\.line) == [4])
        #expect(ConfigCheck.run(.manager, sources: sources).isOK)
    }

    @Test func brokenFilesGiveEveryErrorWithItsPosition() {
        let report = ConfigCheck.run(.gateway, sources: Self.sources("broken"))
        let f = "\(Self.fixtures)/broken/functions.yml"
        let r = "\(Self.fixtures)/broken/routing.yml"
        #expect(
            report.errors.map(\.description) == [
                "\(f):8:5: function \"lambda-list\": expected a mapping, found a sequence",
                "\(f):9:3: invalid function name \"Bad/Name\": use 1 to 64 of A-Z a-z 0-9 _ - (AWS's rule; . is also accepted)",
                "\(f):11:22: max_concurrency must be at least 1, found 0",
            ])
        #expect(
            report.warnings.map(\.description) == [
                "\(r):11:38: function.image is ignored here: set the function's image in functions.yml"
            ])
        #expect(!report.isOK)
        // The manager checks functions.yml only.
        #expect(ConfigCheck.run(.manager, sources: Self.sources("broken")).errors.count == 3)
    }

    @Test func routesToUndefinedFunctionsAreErrors() {
        let sources = ConfigSources(
            functionsPath: "\(Self.fixtures)/good/functions.yml", routingPath: "\(Self.fixtures)/broken/routing.yml")
        let report = ConfigCheck.run(.gateway, sources: sources)
        #expect(
            report.errors.map(\.description) == [
                "\(Self.fixtures)/broken/routing.yml:3:5: route GET /ok: function \"lambda-ok\" is not defined in \(Self.fixtures)/good/functions.yml",
                "\(Self.fixtures)/broken/routing.yml:6:5: route POST /ghost: function \"lambda-ghost\" is not defined in \(Self.fixtures)/good/functions.yml",
                "\(Self.fixtures)/broken/routing.yml:9:5: route GET /legacy: function \"lambda-ok\" is not defined in \(Self.fixtures)/good/functions.yml",
            ])
    }

    @Test func missingFilesAreNotesNotErrors() {
        let sources = ConfigSources(functionsPath: "/nonexistent/f.yml", routingPath: "/nonexistent/r.yml")
        let report = ConfigCheck.run(.gateway, sources: sources)
        #expect(report.isOK)
        #expect(
            report.notes == [
                "/nonexistent/f.yml: not found, the daemon would start with no functions",
                "/nonexistent/r.yml: not found, the gateway would start with no routes",
            ])
        let functions = try? sources.loadFunctions()
        #expect(functions?.isMissingFile == true && functions?.functions.isEmpty == true)
    }

    @Test func directoryAndInvalidUTF8AreErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("esb-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("functions.yml")
        try Data("functions:\n  a:\n    image: \"x\u{1}".utf8 + [0xFF, 0x0A]).write(to: bad)
        let report = ConfigCheck.run(.manager, sources: ConfigSources(functionsPath: bad.path, routingPath: dir.path))
        #expect(report.errors.map(\.description) == ["\(bad.path):3:15: the file is not valid UTF-8"])
        let asDirectory = ConfigCheck.run(
            .gateway, sources: ConfigSources(functionsPath: dir.path, routingPath: "/nonexistent"))
        #expect(asDirectory.errors.map(\.description) == ["\(dir.path):1:1: is a directory, not a file"])
    }

    @Test func sourcesComeFromTheEnvironment() {
        let defaults = ConfigSources(environment: [:])
        #expect(defaults.functionsPath == "/app/config/functions.yml")
        #expect(defaults.routingPath == "/app/config/routing.yml")
        #expect(defaults.substitutionEnvironment == ["LOG_LEVEL": "INFO"])
        let set = ConfigSources(environment: [
            "FUNCTIONS_CONFIG_PATH": "/f", "ROUTING_CONFIG_PATH": "/r", "LOG_LEVEL": "DEBUG",
        ])
        #expect(set.functionsPath == "/f" && set.routingPath == "/r")
        #expect(set.substitutionEnvironment["LOG_LEVEL"] == "DEBUG")
    }

    static let commandLines: [(arguments: [String], status: Int32?, output: String)] = [
        ([], nil, ""),
        (["--version"], 0, "esb-gateway 0.1.0\n"),
        (["--bogus"], 2, ""),
        (["--version", "--help"], 2, ""),
    ]

    @Test(arguments: commandLines)
    func interpretsArguments(arguments: [String], status: Int32?, output: String) {
        let action = DaemonCommandLine.interpret(["esb-gateway"] + arguments, daemon: .gateway, environment: [:])
        switch action {
        case .run:
            #expect(status == nil)
        case .exit(let got, let out, let err):
            #expect(got == status)
            #expect(out == output)
            if got == 2 { #expect(err.contains("Usage:")) }
        }
    }

    // MARK: - The built binaries

    /// The daemon binaries sit next to the test bundle in the build folder (`swift build` / `swift test` build them).
    static func binary(_ name: String) -> URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if dir.path.hasSuffix(".xctest/Contents/MacOS") {
            dir = dir.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        }
        return dir.appendingPathComponent(name)
    }

    static func run(_ name: String, _ arguments: [String], environment: [String: String]) throws -> (
        Int32, String, String
    ) {
        let process = Process()
        process.executableURL = binary(name)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }

    @Test func gatewayBinaryChecksConfig() throws {
        let binary = Self.binary("esb-gateway")
        try #require(
            FileManager.default.isExecutableFile(atPath: binary.path), "build esb-gateway first: \(binary.path)")
        let good = try Self.run(
            "esb-gateway", ["--check-config"],
            environment: [
                "FUNCTIONS_CONFIG_PATH": "\(Self.fixtures)/good/functions.yml",
                "ROUTING_CONFIG_PATH": "\(Self.fixtures)/good/routing.yml",
            ])
        #expect(good.0 == 0)
        #expect(good.1 == "ok\n")
        let bad = try Self.run(
            "esb-gateway", ["--check-config"],
            environment: [
                "FUNCTIONS_CONFIG_PATH": "\(Self.fixtures)/broken/functions.yml",
                "ROUTING_CONFIG_PATH": "\(Self.fixtures)/broken/routing.yml",
            ])
        #expect(bad.0 == 1)
        let lines = bad.1.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(
            lines.first
                == "\(Self.fixtures)/broken/functions.yml:8:5: function \"lambda-list\": expected a mapping, found a sequence"
        )
        #expect(bad.2.contains("warning: \(Self.fixtures)/broken/routing.yml:11:38: function.image is ignored"))
        let version = try Self.run("esb-gateway", ["--version"], environment: [:])
        #expect(version.0 == 0 && version.1 == "esb-gateway 0.1.0\n")
    }

    @Test func managerBinaryChecksFunctionsOnly() throws {
        let binary = Self.binary("esb-manager")
        try #require(
            FileManager.default.isExecutableFile(atPath: binary.path), "build esb-manager first: \(binary.path)")
        let good = try Self.run(
            "esb-manager", ["--check-config"],
            environment: [
                "FUNCTIONS_CONFIG_PATH": "\(Self.fixtures)/good/functions.yml",
                "ROUTING_CONFIG_PATH": "\(Self.fixtures)/broken/routing.yml",
            ])
        #expect(good.0 == 0 && good.1 == "ok\n")
        let help = try Self.run("esb-manager", ["--help"], environment: [:])
        #expect(help.0 == 0 && help.1.hasPrefix("esb-manager 0.1.0: "))
        let wrong = try Self.run("esb-manager", ["--chek-config"], environment: [:])
        #expect(wrong.0 == 2 && wrong.1.isEmpty && wrong.2.hasPrefix("esb-manager: unknown option '--chek-config'"))
    }
}
