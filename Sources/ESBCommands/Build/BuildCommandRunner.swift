import BoxCore
import Foundation
import SAMGenerator
import YAML

public struct BuildRequest: Sendable {
    /// `--config DIR`: the folder `esb generate` wrote.
    public var directory: String
    /// `--base-image [RUNTIME=]IMAGE`, in order.
    public var baseImages: [String] = []
    public var noCache = false
    /// `--verbose`: stream tool output.
    public var verbose = false
    /// Only these functions (empty: all).
    public var only: [String] = []

    public init(directory: String) {
        self.directory = directory
    }
}

/// Runs `esb build`: for each function of `DIR/functions.yml`, stage its build folder (`FunctionStager`) and
/// `docker build` it; one progress line per image, a failure summary, exit 1 when any image failed.
public enum BuildCommandRunner {
    public static func run(_ request: BuildRequest, console: ConsoleOutput = .standard) -> Int32 {
        console.exitCode { try runOrThrow(request, console: console) }
    }

    private static func runOrThrow(_ request: BuildRequest, console: ConsoleOutput) throws -> Int32 {
        let directory = LocalFileSystem.absolute(request.directory)
        guard LocalFileSystem().isDirectory(directory) else {
            throw CommandError(
                "\(request.directory) does not exist: run esb generate first (or name the folder with --dir)")
        }
        let functionsPath = request.directory + "/functions.yml"
        let buildPath = request.directory + "/build.yml"
        // Read by the daemons' own loader: the image names (defaults, `${NAME}` substitution) are the ones the
        // Manager will run (docs/contract.md §2.1).
        let images = try FunctionsConfig.parse(
            try GenerateCommandRunner.readText(functionsPath, absolute: directory + "/functions.yml"),
            path: functionsPath, environment: ProcessInfo.processInfo.environment
        ).functions
        let manifest = try BuildManifest.parse(
            try GenerateCommandRunner.readText(buildPath, absolute: directory + "/build.yml"), path: buildPath)
        let baseImages = try BaseImageOverrides(arguments: request.baseImages)
        for name in request.only where !images.contains(where: { $0.name == name }) {
            throw CommandError("function \(name) is not in \(functionsPath)")
        }
        let selected = images.filter { request.only.isEmpty || request.only.contains($0.name) }
        let runner = ProcessRunner(verbose: request.verbose)
        var failures: [(name: String, reason: String, log: String)] = []
        var built = 0
        for (index, item) in selected.enumerated() {
            let prefix = "[\(index + 1)/\(selected.count)] \(item.name)"
            guard let description = manifest.functions[item.name] else {
                console.out("\(prefix): skipped, no build description in build.yml (run esb generate)")
                continue
            }
            if description.kind == "prebuilt" {
                console.out("\(prefix): skipped, prebuilt image \(item.image)")
                continue
            }
            let started = Date()
            let stager = FunctionStager(
                outputDirectory: directory, name: item.name, function: description, runner: runner,
                refresh: request.noCache)
            do {
                let notes = try stager.stage()
                try stager.dockerBuild(
                    image: item.image, baseImage: description.runtime.flatMap { baseImages.image(for: $0) },
                    noCache: request.noCache)
                if let wrapper = description.imageConfig {
                    // The ImageConfig Dockerfile starts FROM the image just built under the same tag.
                    try stager.dockerBuild(
                        image: item.image, dockerfile: wrapper, context: PathTools.directory(wrapper),
                        noCache: request.noCache)
                }
                let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
                console.out("\(prefix): built \(item.image) in \(seconds) s" + notes.map { " (\($0))" }.joined())
                built += 1
            } catch {
                console.out("\(prefix): FAILED: \(error)")
                failures.append((item.name, "\(error)", stager.logPath))
            }
        }
        guard !failures.isEmpty else {
            console.out("built \(built) image(s)")
            return 0
        }
        console.err("\(failures.count) of \(selected.count) image(s) failed:")
        for failure in failures {
            console.err("- \(failure.name): \(failure.reason)")
            console.err("  log: \(failure.log)")
            for line in ProcessRunner.tail(failure.log, lines: 15) { console.err("  | \(line)") }
        }
        return 1
    }
}
