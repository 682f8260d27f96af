import ESBTestSupport
import BoxCore
import Foundation
import Glibc
import HTTP1
import Reactor
import Testing

/// The real `esb-manager` executable (built next to the test bundle by `swift build --build-tests`): flags,
/// start-up refusals, serving on a Unix socket, SIGHUP reloads (a broken file keeps the old configuration) and a
/// clean SIGTERM exit.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ManagerProcessTests {
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("esb-manager")
    }

    static func requireExecutable() throws -> URL {
        let url = executable
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            Issue.record("esb-manager is not built at \(url.path): run swift build --build-tests")
            throw CancellationError()
        }
        return url
    }

    /// Runs the executable to completion; returns status, stdout and stderr.
    static func run(_ arguments: [String], environment: [String: String]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = try requireExecutable()
        process.arguments = arguments
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
            String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        )
    }

    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func flagsAndStartupRefusals() throws {
        let dir = NSTemporaryDirectory() + "esb-manager-flags-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Self.write("functions:\n  Bad Name:\n    image: x\n", to: dir + "/broken.yml")
        let version = try Self.run(["--version"], environment: [:])
        #expect(version.0 == 0 && version.1 == "esb-manager \(DaemonCommandLine.version)\n")
        let check = try Self.run(["--check-config"], environment: ["FUNCTIONS_CONFIG_PATH": dir + "/broken.yml"])
        #expect(check.0 == 1)
        #expect(check.1.hasPrefix(dir + "/broken.yml:2:3: "))
        #expect(try Self.run(["--help"], environment: [:]).0 == 0)
        let noToken = try Self.run([], environment: ["FUNCTIONS_CONFIG_PATH": dir + "/none.yml"])
        #expect(noToken.0 == 1 && noToken.1.contains("MANAGER_TOKEN is not set"))
        let production = try Self.run(
            [],
            environment: [
                "MANAGER_TOKEN": "dev-manager-token-change-in-production", "ESB_ENV": "production",
            ])
        #expect(production.0 == 1)
        let badEnv = try Self.run([], environment: ["MANAGER_TOKEN": "t", "IDLE_TIMEOUT_MINUTES": "soon"])
        #expect(badEnv.0 == 1 && badEnv.2.contains("IDLE_TIMEOUT_MINUTES=soon"))
        let badConfig = try Self.run(
            [], environment: ["MANAGER_TOKEN": "t", "FUNCTIONS_CONFIG_PATH": dir + "/broken.yml"])
        #expect(badConfig.0 == 1 && badConfig.2.contains("broken.yml:2:3:"))
    }

    @Test func servesReloadsOnSIGHUPAndExitsCleanlyOnSIGTERM() async throws {
        let dir = NSTemporaryDirectory() + "esb-manager-run-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let config = dir + "/functions.yml"
        let socket = dir + "/manager.sock"
        let fn = ManagerHarness.uniqueFunction("proc")
        try Self.write("functions:\n  \(fn):\n    image: \"\(ManagerHarness.image)\"\n", to: config)
        let process = Process()
        process.executableURL = try Self.requireExecutable()
        process.environment = [
            "MANAGER_TOKEN": "proc-token", "MANAGER_LISTEN": "unix://\(socket)", "FUNCTIONS_CONFIG_PATH": config,
            "LAMBDA_NETWORK": ManagerHarness.network, "ESB_INSTANCE": "test-proc-\(UInt32.random(in: 0...UInt32.max))",
            "CONTAINER_NAME": "esb-manager-proc",
        ]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let output = OutputCollector(out.fileHandleForReading)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        let client = HTTPClient()
        let endpoint = HTTPEndpoint(unixPath: socket)
        try await waitUntil("the manager to answer on its socket") {
            (try? await client.execute(
                HTTPRequest(method: "GET", target: "/health"), to: endpoint, timeout: .seconds(2)))?.status == 200
        }
        func lease(_ name: String) async throws -> Int {
            let request = HTTPRequest(
                method: "POST", target: "/v1/functions/\(name)/workers", headers: ["X-ESB-Token": "proc-token"],
                body: Array("{\"count\":0}".utf8))
            return try await client.execute(request, to: endpoint, timeout: .seconds(30)).status
        }
        // count 0 is refused with 400 for a known function, 404 for an unknown one: no container needed.
        #expect(try await lease(fn) == 400)
        #expect(try await lease("added-later") == 404)

        try Self.write("functions:\n  Bad Name: {}\n", to: config)
        kill(process.processIdentifier, SIGHUP)
        try await waitUntil("the refused reload") { output.text.contains("reload failed") }
        #expect(try await lease(fn) == 400)

        try Self.write("functions:\n  \(fn):\n    image: \"\(ManagerHarness.image)\"\n  added-later: {}\n", to: config)
        kill(process.processIdentifier, SIGHUP)
        try await waitUntil("the reload") { output.text.contains("configuration reloaded") }
        #expect(try await lease("added-later") == 400)

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        // The output is read by a handler on another thread: the last lines the process wrote before it exited
        // can reach the collector just after the exit is seen. The "stopped" line must still arrive.
        func lines() -> [JSONValue] {
            output.text.split(separator: "\n").compactMap { try? JSONValue(parsing: String($0)) }
        }
        try await waitUntil("the stopped line") { lines().contains { $0["message"]?.stringValue == "stopped" } }
        let lines = lines()
        #expect(lines.contains { $0["message"]?.stringValue == "stopped" })
        #expect(lines.allSatisfy { $0["container_name"]?.stringValue == "esb-manager-proc" })
    }
}

/// Collects a child process's output as it arrives.
final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    init(_ handle: FileHandle) {
        handle.readabilityHandler = { [weak self] h in
            let chunk = h.availableData
            guard let self, !chunk.isEmpty else { return }
            self.lock.withLock { self.data.append(chunk) }
        }
    }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
