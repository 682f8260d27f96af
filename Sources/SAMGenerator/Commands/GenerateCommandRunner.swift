import Foundation

/// `esb generate`: options as parsed from the command line, merged with `generator.yml`.
public struct GenerateRequest: Sendable {
    /// `--template` (nil: generator.yml's, else `template.yaml`).
    public var template: String?
    /// `--output` (nil: generator.yml's, else `.esb` next to the template).
    public var output: String?
    /// `--config generator.yml`.
    public var config: String?
    /// `--param KEY=VALUE`, in order.
    public var parameters: [String] = []
    /// `--base-image [RUNTIME=]IMAGE`, in order.
    public var baseImages: [String] = []
    /// `--region`.
    public var region: String?
    /// `--stack-name`.
    public var stackName: String?
    /// `--image-prefix`.
    public var imagePrefix: String?
    /// `--image-tag`.
    public var imageTag: String?
    /// `--dry-run`.
    public var dryRun = false

    /// An empty request (all defaults).
    public init() {}
}

/// Runs `esb generate`; returns the exit code (0, or 1 on any error, with nothing written).
public enum GenerateCommandRunner {
    /// Runs the request, printing through `console`.
    public static func run(_ request: GenerateRequest, console: ConsoleOutput = .standard) -> Int32 {
        do {
            return try runOrThrow(request, console: console)
        } catch let diagnostic as Diagnostic {
            console.err(diagnostic.description)
        } catch let message as CommandError {
            console.err("error: \(message.text)")
        } catch {
            console.err("error: \(error)")
        }
        return 1
    }

    /// The generator options of a request: generator.yml first, the command line over it.
    static func options(for request: GenerateRequest) throws -> (options: GeneratorOptions, warnings: [Diagnostic]) {
        var config = GeneratorConfigFile()
        if let configPath = request.config {
            let absolute = LocalFileSystem.absolute(configPath)
            let text = try readText(configPath, absolute: absolute)
            config = try GeneratorConfigFile.parse(text, path: configPath, directory: PathTools.directory(absolute))
        }
        let templatePath = request.template ?? config.template.map {
            PathTools.relative(from: LocalFileSystem.absolute("."), to: $0)
        } ?? "template.yaml"
        let templateDirectory = PathTools.directory(LocalFileSystem.absolute(templatePath))
        let output = request.output.map(LocalFileSystem.absolute) ?? config.output ?? templateDirectory + "/.esb"
        var options = GeneratorOptions(templatePath: templatePath, templateDirectory: templateDirectory, outputDirectory: output)
        options.parameters = config.parameters
        for pair in request.parameters {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw CommandError("--param \(pair): expected KEY=VALUE")
            }
            options.parameters[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        options.baseImages = try BaseImageOverrides(arguments: config.baseImages + request.baseImages)
        options.region = request.region ?? config.region ?? options.region
        options.stackName = request.stackName ?? config.stackName
        options.imagePrefix = request.imagePrefix ?? config.imagePrefix ?? ""
        options.imageTag = request.imageTag ?? config.imageTag ?? "latest"
        options.hostArchitecture = hostArchitecture()
        if let patch = config.runtimePatchPath {
            options.runtimePatch = try readText(patch, absolute: patch)
        }
        return (options, config.warnings)
    }

    private static func runOrThrow(_ request: GenerateRequest, console: ConsoleOutput) throws -> Int32 {
        let (options, configWarnings) = try options(for: request)
        configWarnings.forEach { console.err($0.description) }
        let templatePath = options.templatePath
        let templateAbsolute = LocalFileSystem.absolute(templatePath)
        let output = options.outputDirectory
        let text = try readText(templatePath, absolute: templateAbsolute)
        let project: GeneratedProject
        do {
            project = try ProjectGenerator.generate(templateText: text, options: options, fileSystem: LocalFileSystem())
        } catch {
            (error.errors + error.warnings).sorted { ($0.line, $0.column) < ($1.line, $1.column) }.forEach { console.err($0.description) }
            console.err("error: \(error.errors.count) error(s); nothing was written")
            return 1
        }
        project.warnings.forEach { console.err($0.description) }
        let shown = request.output ?? PathTools.relative(from: LocalFileSystem.absolute("."), to: output)
        if request.dryRun {
            for file in project.files {
                console.out("=== \(shown)/\(file.path) ===")
                console.out(String(file.contents.dropLast(file.contents.hasSuffix("\n") ? 1 : 0)))
            }
            console.out("dry run: \(project.files.count) files not written")
            return 0
        }
        for change in try OutputWriter(directory: output).write(project) {
            switch change {
            case .wrote(let path): console.out("wrote \(shown)/\(PathTools.relative(from: output, to: path))")
            case .removed(let path): console.out("removed \(shown)/\(PathTools.relative(from: output, to: path))")
            }
        }
        return 0
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
struct CommandError: Error, CustomStringConvertible {
    var text: String
    init(_ text: String) { self.text = text }
    var description: String { text }
}
