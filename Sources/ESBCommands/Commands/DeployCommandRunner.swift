import BoxCore
import Foundation
import Posix
import SAMGenerator

/// `esb deploy` options (docs/cli.md).
public struct DeployRequest: Sendable {
    /// `--dir DIR`: the folder `esb generate` wrote.
    public var directory: String
    /// `--to CONFIG_DIR`: the box's configuration folder (the one the daemons' FUNCTIONS_CONFIG_PATH and
    /// ROUTING_CONFIG_PATH point into).
    public var target: String
    /// `--hup PID`: daemons to send SIGHUP to once the files are in place.
    public var pids: [Int32] = []
    /// `--hup-container NAME`: containers to send SIGHUP to (`docker kill --signal HUP`).
    public var containers: [String] = []

    public init(directory: String, target: String) {
        self.directory = directory
        self.target = target
    }
}

/// Runs `esb deploy`: checks the generated configuration with the daemons' own loaders, then puts each file into
/// the configuration folder atomically (written beside it, fsynced, renamed over the old one), `functions.yml`
/// before `routing.yml` so that a reload between the two never sees a route to a function it does not know; then
/// SIGHUP to the daemons named. A daemon that watches its files sees the renames by itself.
public enum DeployCommandRunner {
    /// The files a box reads, in the order they are replaced (those that exist in DIR).
    static let files = ["functions.yml", "routing.yml", "schedules.yml"]

    public static func run(_ request: DeployRequest, console: ConsoleOutput = .standard) -> Int32 {
        console.exitCode { try runOrThrow(request, console: console) }
    }

    private static func runOrThrow(_ request: DeployRequest, console: ConsoleOutput) throws -> Int32 {
        let source = LocalFileSystem.absolute(request.directory)
        let target = LocalFileSystem.absolute(request.target)
        guard LocalFileSystem().isDirectory(target) else {
            throw CommandError("--to \(request.target) is not a folder (the box's configuration folder, e.g. ./config)")
        }
        var contents: [(name: String, data: Data)] = []
        for name in files {
            guard let data = FileManager.default.contents(atPath: source + "/" + name) else {
                if name == "schedules.yml" { continue }
                throw CommandError("\(request.directory)/\(name): cannot read the file (run esb generate first)")
            }
            contents.append((name, data))
        }
        // The daemons' own loaders: what they would refuse at reload is refused here, before anything is copied.
        let text = { (name: String) in
            String(decoding: contents.first { $0.name == name }?.data ?? Data(), as: UTF8.self)
        }
        let refusals = check(
            functions: text("functions.yml"), routing: text("routing.yml"), directory: request.directory)
        guard refusals.isEmpty else {
            refusals.forEach { console.err($0.description) }
            throw CommandError("the configuration would be refused by the box; nothing was copied")
        }
        for (name, data) in contents {
            let final = target + "/" + name
            if FileManager.default.contents(atPath: final) == data {
                console.out("unchanged \(PathTools.join(request.target, name))")
                continue
            }
            do {
                try FileIO.writeDurably(directory: target, name: name, bytes: Array(data))
            } catch {
                throw CommandError("cannot replace \(final): \(error)")
            }
            console.out("deployed \(PathTools.join(request.target, name))")
        }
        for pid in request.pids {
            do { try Posix.sendSignal(SIGHUP, toProcess: pid) } catch {
                throw CommandError("SIGHUP to \(pid): \(error)")
            }
            console.out("sent SIGHUP to process \(pid)")
        }
        for container in request.containers {
            let docker = ProcessInfo.processInfo.environment["ESB_DOCKER"] ?? "docker"
            let status = try ProcessRunner(verbose: false).run(
                [docker, "kill", "--signal", "HUP", container],
                log: FileManager.default.temporaryDirectory.path + "/esb-deploy.log")
            guard status == 0 else {
                throw CommandError("docker kill --signal HUP \(container) failed (exit \(status))")
            }
            console.out("sent SIGHUP to container \(container)")
        }
        if request.pids.isEmpty && request.containers.isEmpty {
            console.out("the daemons reload on SIGHUP (--hup PID, --hup-container NAME) or through their file watch")
        }
        return 0
    }

    /// What the daemons' loaders would refuse (with the gateway's route → function cross-check).
    static func check(functions functionsText: String, routing routingText: String, directory: String)
        -> [ConfigDiagnostic]
    {
        let functions: FunctionsConfig
        do {
            functions = try FunctionsConfig.parse(functionsText, path: directory + "/functions.yml", environment: [:])
        } catch {
            return error.diagnostics
        }
        do {
            return try RoutingConfig.parse(routingText, path: directory + "/routing.yml").undefinedFunctions(
                in: functions)
        } catch {
            return error.diagnostics
        }
    }
}
