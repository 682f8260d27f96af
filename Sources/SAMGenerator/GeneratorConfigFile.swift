import YAML

/// `generator.yml` (`esb generate --config`): the same options as the command line, in a file. Paths are
/// relative to the file's folder. Keys of the reference's file are accepted (`app.tag`, `paths.sam_template`,
/// `paths.output_dir`, `docker.sitecustomize_source`, `parameters`); `app.name` and `paths.functions_yml`
/// are read and ignored with a warning. docs/cli.md ("generator.yml") has an example.
public struct GeneratorConfigFile: Sendable, Equatable {
    /// `paths.sam_template`, absolute.
    public var template: String?
    /// `paths.output_dir`, absolute.
    public var output: String?
    public var parameters: [String: String] = [:]
    public var region: String?
    public var stackName: String?
    /// `docker.base_image` then `docker.base_images` entries, in `--base-image` syntax.
    public var baseImages: [String] = []
    /// `app.image_prefix`.
    public var imagePrefix: String?
    /// `app.tag`.
    public var imageTag: String?
    /// `docker.sitecustomize_source`, absolute.
    public var runtimePatchPath: String?
    /// Keys read but not used, as `PATH:LINE:COLUMN: warning:` lines.
    public var warnings: [Diagnostic] = []

    /// No settings: what `esb generate` uses when there is no generator.yml.
    public init() {}

    /// Reads the file's text; `path` labels errors and `directory` (absolute) anchors relative paths.
    public static func parse(_ text: String, path: String, directory: String) throws(Diagnostic) -> GeneratorConfigFile
    {
        var config = GeneratorConfigFile()
        do {
            let root = try YAMLDocument.parse(text, path: path)
            let top = try root.mappingReader(nullIsEmpty: true)
            try top.rejectUnknownKeys(allowed: ["app", "paths", "docker", "parameters", "region", "stack_name"])
            func absolute(_ node: YAMLNode?) throws(YAMLDecodingError) -> String? {
                try node?.optionalString().map { PathTools.join(directory, $0) }
            }
            func ignored(_ key: String, in section: YAMLMappingReader, _ message: String) {
                guard let entry = section.entries.first(where: { $0.key == key }) else { return }
                config.warnings.append(Diagnostic(.warning, path: path, mark: entry.keyNode.mark, message: message))
            }
            if let app = try top["app"]?.mappingReader(nullIsEmpty: true) {
                try app.rejectUnknownKeys(allowed: ["name", "tag", "image_prefix"])
                config.imageTag = try app["tag"]?.optionalString()
                config.imagePrefix = try app["image_prefix"]?.optionalString()
                ignored("name", in: app, "app.name is not used by esb; ignored")
            }
            if let paths = try top["paths"]?.mappingReader(nullIsEmpty: true) {
                try paths.rejectUnknownKeys(allowed: ["sam_template", "output_dir", "functions_yml"])
                config.template = try absolute(paths["sam_template"])
                config.output = try absolute(paths["output_dir"])
                ignored("functions_yml", in: paths, "paths.functions_yml is ignored: every file goes to output_dir")
            }
            if let docker = try top["docker"]?.mappingReader(nullIsEmpty: true) {
                try docker.rejectUnknownKeys(allowed: ["base_image", "base_images", "sitecustomize_source"])
                if let image = try docker["base_image"]?.optionalString() { config.baseImages.append(image) }
                for entry in try docker["base_images"]?.mappingReader(nullIsEmpty: true).entries ?? [] {
                    config.baseImages.append("\(entry.key)=\(try entry.value.string())")
                }
                config.runtimePatchPath = try absolute(docker["sitecustomize_source"])
            }
            for entry in try top["parameters"]?.mappingReader(nullIsEmpty: true).entries ?? [] {
                config.parameters[entry.key] = try entry.value.string()
            }
            config.region = try top["region"]?.optionalString()
            config.stackName = try top["stack_name"]?.optionalString()
        } catch let error as YAMLError {
            throw Diagnostic(.error, path: error.path, line: error.line, column: error.column, message: error.message)
        } catch let error as YAMLDecodingError {
            throw Diagnostic(.error, path: path, mark: error.mark, message: error.message)
        } catch {
            throw Diagnostic(.error, path: path, line: 1, column: 1, message: "\(error)")
        }
        return config
    }
}

extension Diagnostic: Error {}
