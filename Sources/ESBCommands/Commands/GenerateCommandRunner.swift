import Foundation
import Posix
import SAMGenerator

/// `esb generate`: options as parsed from the command line, merged with `generator.yml`.
public struct GenerateRequest: Sendable {
    /// `--template` (nil: generator.yml's, else `template.yaml`).
    public var template: String?
    /// `--output` (nil: generator.yml's, else `.esb` next to the template).
    public var output: String?
    public var config: String?
    /// `--param KEY=VALUE`, in order.
    public var parameters: [String] = []
    /// `--parameter-overrides "K=V K2=V2"` (SAM's spelling), each value holding several pairs; after `--param`.
    public var parameterOverrides: [String] = []
    /// `--base-image [RUNTIME=]IMAGE`, in order.
    public var baseImages: [String] = []
    public var region: String?
    public var stackName: String?
    public var imagePrefix: String?
    public var imageTag: String?
    public var dryRun = false
    /// `--skip-unsupported`: leave out functions of runtimes the box cannot run.
    public var skipUnsupported = false
    /// `--verbose`: print every no-effect warning instead of their one-line summary.
    public var verbose = false
    /// `esb validate`: diagnostics and the summary only, no file written or printed.
    public var validateOnly = false

    public init() {}
}

/// Runs `esb generate`; returns the exit code (0, or 1 on any error, with nothing written).
public enum GenerateCommandRunner {
    public static func run(_ request: GenerateRequest, console: ConsoleOutput = .standard) -> Int32 {
        console.exitCode { try runOrThrow(request, console: console) }
    }

    /// The generator options of a request: samconfig.toml first, generator.yml over it, the command line over both.
    static func options(for request: GenerateRequest) throws -> (options: GeneratorOptions, warnings: [Diagnostic]) {
        var config = GeneratorConfigFile()
        if let configPath = request.config {
            let absolute = LocalFileSystem.absolute(configPath)
            let text = try readText(configPath, absolute: absolute)
            config = try GeneratorConfigFile.parse(text, path: configPath, directory: PathTools.directory(absolute))
        }
        let templatePath =
            request.template ?? config.template.map {
                PathTools.relative(from: LocalFileSystem.absolute("."), to: $0)
            } ?? defaultTemplate()
        let templateDirectory = PathTools.directory(LocalFileSystem.absolute(templatePath))
        var samconfig = SAMConfigFile()
        let samconfigPath = templateDirectory + "/samconfig.toml"
        if LocalFileSystem().isFile(samconfigPath) {
            let shown = PathTools.relative(from: LocalFileSystem.absolute("."), to: samconfigPath)
            samconfig = try SAMConfigFile.parse(try readText(shown, absolute: samconfigPath), path: shown)
        }
        let output = request.output.map(LocalFileSystem.absolute) ?? config.output ?? templateDirectory + "/.esb"
        var options = GeneratorOptions(
            templatePath: templatePath, templateDirectory: templateDirectory, outputDirectory: output)
        options.parameters = samconfig.parameters.merging(config.parameters) { $1 }
        for pair in request.parameters {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw CommandError("--param \(pair): expected KEY=VALUE")
            }
            options.parameters[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        for overrides in request.parameterOverrides {
            for (key, value) in try ParameterOverrides.parse(overrides) { options.parameters[key] = value }
        }
        options.baseImages = try BaseImageOverrides(arguments: config.baseImages + request.baseImages)
        options.region = request.region ?? config.region ?? samconfig.region ?? options.region
        options.stackName = request.stackName ?? config.stackName ?? samconfig.stackName
        options.imagePrefix = request.imagePrefix ?? config.imagePrefix ?? ""
        options.imageTag = request.imageTag ?? config.imageTag ?? "latest"
        let machine = Posix.machineHardwareName()
        options.hostArchitecture = machine == "aarch64" || machine == "arm64" ? "arm64" : "x86_64"
        options.skipUnsupported = request.skipUnsupported
        if let patch = config.runtimePatchPath {
            options.runtimePatch = try readText(patch, absolute: patch)
        }
        return (options, config.warnings)
    }

    /// `template.yaml`, else `template.yml` when only that one exists (SAM finds both).
    static func defaultTemplate() -> String {
        let fs = LocalFileSystem()
        if !fs.isFile(LocalFileSystem.absolute("template.yaml")), fs.isFile(LocalFileSystem.absolute("template.yml")) {
            return "template.yml"
        }
        return "template.yaml"
    }

    private static func runOrThrow(_ request: GenerateRequest, console: ConsoleOutput) throws -> Int32 {
        let (options, configWarnings) = try options(for: request)
        configWarnings.forEach { console.err($0.description) }
        let templatePath = options.templatePath
        let output = options.outputDirectory
        let shown = request.output ?? PathTools.relative(from: LocalFileSystem.absolute("."), to: output)
        if !request.validateOnly, !request.dryRun {
            // The output, or the first of its parents that exists, must be a folder.
            var existing = output
            while existing != "/", !FileManager.default.fileExists(atPath: existing) {
                existing = PathTools.directory(existing)
            }
            if LocalFileSystem().isFile(existing) {
                let what =
                    existing == output ? shown : PathTools.relative(from: LocalFileSystem.absolute("."), to: existing)
                throw CommandError("--output \(shown): \(what) is a file; esb generate needs a folder to write into")
            }
        }
        let text: String
        do {
            text = try readText(templatePath, absolute: LocalFileSystem.absolute(templatePath))
        } catch let error as CommandError where request.template == nil && templatePath == "template.yaml" {
            throw CommandError(error.text + " (nor is there a template.yml; give the template with --template or -t)")
        }
        let project: GeneratedProject
        do {
            project = try ProjectGenerator.generate(templateText: text, options: options, fileSystem: LocalFileSystem())
        } catch {
            let all = (error.errors + error.warnings).sorted { ($0.line, $0.column) < ($1.line, $1.column) }
            printDiagnostics(all, verbose: request.verbose, console: console)
            console.err(
                "error: \(error.errors.count) error(s), \(error.warnings.count) warning(s); nothing was written")
            return 1
        }
        printDiagnostics(project.warnings, verbose: request.verbose, console: console)
        let summary = summaryLine(project)
        if request.validateOnly {
            console.out(summary)
            return 0
        }
        if request.dryRun {
            for file in project.files {
                console.out("=== \(shown)/\(file.path) ===")
                console.out(String(file.contents.dropLast(file.contents.hasSuffix("\n") ? 1 : 0)))
            }
            console.out("dry run: \(project.files.count) files not written")
            console.out(summary)
            return 0
        }
        let changes: [(verb: String, path: String)]
        do {
            changes = try OutputWriter(directory: output).write(project)
        } catch let error as CommandError {
            throw error
        } catch {
            // Foundation's own text names an internal file; say which folder and why, in a SAM user's words.
            throw CommandError(
                "cannot write into \(shown): \((error as NSError).localizedFailureReason ?? error.localizedDescription)"
            )
        }
        for change in changes {
            console.out("\(change.verb) \(shown)/\(PathTools.relative(from: output, to: change.path))")
        }
        console.out(summary)
        return 0
    }

    /// Every diagnostic that changes behaviour, one line each; the ones about settings with no effect in the box
    /// counted per kind on one line (all of them with `--verbose`).
    static func printDiagnostics(_ diagnostics: [Diagnostic], verbose: Bool, console: ConsoleOutput) {
        var groups: [(String, Int)] = []
        for diagnostic in diagnostics {
            guard let group = diagnostic.noEffectGroup, !verbose else {
                console.err(diagnostic.description)
                continue
            }
            if let i = groups.firstIndex(where: { $0.0 == group }) {
                groups[i].1 += 1
            } else {
                groups.append((group, 1))
            }
        }
        guard !groups.isEmpty else { return }
        let total = groups.reduce(0) { $0 + $1.1 }
        let list = groups.map { $0.1 == 1 ? $0.0 : "\($0.0) ×\($0.1)" }.joined(separator: ", ")
        console.err("note: \(total) setting(s) with no effect in the box ignored: \(list) (--verbose lists them)")
    }

    /// `4 functions, 3 routes, 1 table, 32 warnings`.
    static func summaryLine(_ project: GeneratedProject) -> String {
        let s = project.summary
        var parts = [count(s.functions, "function"), count(s.routes, "route")]
        if s.tables > 0 { parts.append(count(s.tables, "table")) }
        if s.buckets > 0 { parts.append(count(s.buckets, "bucket")) }
        if s.skippedFunctions > 0 { parts.append("\(count(s.skippedFunctions, "function")) left out") }
        parts.append(count(project.warnings.count, "warning"))
        return parts.joined(separator: ", ")
    }

    private static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }

    static func readText(_ shown: String, absolute: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: absolute) else {
            throw CommandError("\(shown): cannot read the file (missing or not readable)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CommandError("\(shown): not UTF-8 text")
        }
        return text
    }
}

/// A command-line problem without a file position, printed as `error: text`.
public struct CommandError: Error, CustomStringConvertible {
    public var text: String
    public init(_ text: String) { self.text = text }
    public var description: String { text }
}
