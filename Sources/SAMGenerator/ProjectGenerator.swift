import YAML

/// One file `esb generate` writes, relative to the output folder.
public struct GeneratedFile: Sendable, Equatable {
    /// Path under the output folder (`functions.yml`, `functions/hello/Dockerfile`).
    public var path: String
    public var contents: String
}

/// What a generation produced, counted for the one-line summary (`4 functions, 3 routes, 1 table, 2 warnings`).
public struct GenerationSummary: Sendable, Equatable {
    public var functions = 0
    public var routes = 0
    public var tables = 0
    public var buckets = 0
    /// Functions left out by `--skip-unsupported`.
    public var skippedFunctions = 0
}

/// The result of a successful generation: every file, and the warnings to print.
public struct GeneratedProject: Sendable {
    /// Sorted by path.
    public var files: [GeneratedFile]
    /// In template order.
    public var warnings: [Diagnostic]
    public var summary = GenerationSummary()
}

/// The template could not be understood: every error found (and the warnings so far).
public struct GenerationFailure: Error, Sendable {
    /// At least one.
    public var errors: [Diagnostic]
    /// Warnings found before giving up.
    public var warnings: [Diagnostic]
}

/// `esb generate`'s engine: SAM template text in, generated files out. It reads nothing but the template text
/// and what `fileSystem` answers (which code folders and files exist), and writes nothing: the caller decides
/// (ESBCommands' `OutputWriter`), so an error leaves no file half-written.
public enum ProjectGenerator {
    /// Generates the project, or throws every error found, each at `PATH:LINE:COLUMN`.
    public static func generate(
        templateText: String, options: GeneratorOptions, fileSystem: any ProjectFileSystem
    ) throws(GenerationFailure) -> GeneratedProject {
        let log = DiagnosticLog(path: options.templatePath)
        var model = ProjectModel()
        do {
            var root = try YAMLDocument.parse(templateText, path: options.templatePath)
            TemplatePrepass.apply(to: &root, log: log)
            let template = try SAMTemplate(root, log: log)
            // A parameter without a value is an error where it is used (a warning where nothing uses it), and
            // reading goes on with a placeholder so that every other problem of the template is reported in
            // the same run.
            let parameters = TemplateParameters.values(of: template.parameters, overrides: options.parameters, log: log)
            let settings = ResolutionSettings(
                region: options.region, accountID: "000000000000", stackName: options.effectiveStackName)
            let resolver = TemplateResolver(template: template, settings: settings, parameters: parameters, log: log)
            model = ModelBuilder(context: ReadingContext(resolver: resolver, options: options, fileSystem: fileSystem))
                .build()
            resolver.warnAboutUnusedMissingParameters()
        } catch let error as YAMLError {
            let diagnostic = Diagnostic(
                .error, path: error.path, line: error.line, column: error.column, message: error.message)
            throw GenerationFailure(errors: [diagnostic], warnings: log.warnings)
        } catch let error as TemplateError {
            log.error(error)
        } catch {
            log.error("\(error)", at: .start)
        }
        guard !log.hasErrors else { throw GenerationFailure(errors: log.errors, warnings: log.warnings) }
        let files = render(model, options: options)
        let refusals = GeneratedConfigCheck.problems(in: files, outputDirectory: options.outputDirectory)
        guard refusals.isEmpty else { throw GenerationFailure(errors: refusals, warnings: log.warnings) }
        let summary = GenerationSummary(
            functions: model.functions.count, routes: model.routes.count, tables: model.tables.count,
            buckets: model.buckets.count, skippedFunctions: model.skippedFunctions)
        return GeneratedProject(files: files, warnings: log.warnings, summary: summary)
    }

    static func render(_ model: ProjectModel, options: GeneratorOptions) -> [GeneratedFile] {
        let config = ConfigRenderer(templatePath: options.templatePath)
        let dockerfiles = DockerfileRenderer(options: options)
        var files = [
            GeneratedFile(path: "functions.yml", contents: config.functionsFile(model.functions)),
            GeneratedFile(path: "routing.yml", contents: config.routingFile(model.routes)),
            GeneratedFile(
                path: "resources.yml", contents: config.resourcesFile(tables: model.tables, buckets: model.buckets)),
            GeneratedFile(path: "schedules.yml", contents: config.schedulesFile(model.schedules)),
        ]
        var manifest: [String: BuildManifest.Function] = [:]
        let relative = { (path: String) in PathTools.relative(from: options.outputDirectory, to: path) }
        let imageConfigFiles = { (function: FunctionSpec, config: FunctionSpec.ImageConfig, base: String) in
            let folder = "functions/\(function.name)"
            return [
                GeneratedFile(
                    path: "\(folder)/Dockerfile",
                    contents: dockerfiles.renderImageConfig(function, config, baseImage: base)),
                GeneratedFile(
                    path: "\(folder)/.dockerignore", contents: YAMLText.header(options.templatePath) + "\nbuild.log\n"),
            ]
        }
        for function in model.functions.sorted(by: { $0.name < $1.name }) {
            let folder = "functions/\(function.name)"
            var entry = BuildManifest.Function(kind: "prebuilt", architecture: function.architecture)
            switch function.build {
            case .zip(let zip):
                files.append(GeneratedFile(path: "\(folder)/Dockerfile", contents: dockerfiles.render(function, zip)))
                // esb build keeps its log and the resolved requirements next to the Dockerfile: not context.
                files.append(
                    GeneratedFile(
                        path: "\(folder)/.dockerignore",
                        contents: YAMLText.header(options.templatePath) + "\nbuild.log\npip-cache/\n"))
                if zip.runtime.isPython {
                    let header = YAMLText.header(options.templatePath) + " Source: runtime/python/sitecustomize.py.\n"
                    files.append(
                        GeneratedFile(path: "\(folder)/sitecustomize.py", contents: header + options.runtimePatch))
                }
                var code = zip.codePath.map(relative)
                if let inline = zip.inlineCode {
                    let header = YAMLText.header(options.templatePath, comment: zip.runtime.isPython ? "#" : "//")
                    let body = inline.code.hasSuffix("\n") ? inline.code : inline.code + "\n"
                    files.append(
                        GeneratedFile(
                            path: "\(folder)/inline/\(inline.fileName)", contents: header + " (InlineCode)\n" + body))
                    code = "\(folder)/inline"
                }
                entry.kind = "zip"
                entry.runtime = zip.runtime.identifier
                entry.dockerfile = "\(folder)/Dockerfile"
                entry.context = folder
                entry.code = code
                entry.requirements = zip.hasRequirements
                entry.packageJSON = zip.hasPackageJSON
                entry.layers = zip.layers.map {
                    BuildManifest.Layer(
                        name: $0.name, source: relative($0.contentPath), pythonBuild: $0.pythonBuild,
                        requirements: $0.hasRequirements)
                }
            case .dockerfile(let context, let dockerfile):
                entry.kind = "dockerfile"
                entry.dockerfile = relative(dockerfile)
                entry.context = relative(context)
                if let config = function.imageConfig {
                    files += imageConfigFiles(function, config, function.image)
                    entry.imageConfig = "\(folder)/Dockerfile"
                }
            case .imageConfigOnly(let base):
                entry.kind = "dockerfile"
                entry.dockerfile = "\(folder)/Dockerfile"
                entry.context = folder
                files += imageConfigFiles(function, function.imageConfig ?? .init(), base)
            case .prebuilt:
                break
            }
            manifest[function.name] = entry
        }
        files.append(
            GeneratedFile(
                path: "build.yml",
                contents: BuildManifest(functions: manifest).render(templatePath: options.templatePath)))
        return files.sorted { $0.path < $1.path }
    }
}
