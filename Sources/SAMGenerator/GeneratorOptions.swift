/// The options of `esb generate` (command line, or `generator.yml` through `GeneratorConfigFile`).
public struct GeneratorOptions: Sendable, Equatable {
    /// The template path as the user wrote it (diagnostics use it verbatim).
    public var templatePath: String
    /// The template's folder, absolute: CodeUri, ContentUri and DockerContext are relative to it.
    public var templateDirectory: String
    /// The output folder, absolute: generated files name code folders relative to it.
    public var outputDirectory: String
    /// `--param KEY=VALUE` overrides of template parameters.
    public var parameters: [String: String] = [:]
    public var region = "ap-northeast-1"
    /// `AWS::StackName`; nil = the template folder's name.
    public var stackName: String?
    /// `--base-image`: the `ARG BASE_IMAGE` default of generated Dockerfiles.
    public var baseImages = BaseImageOverrides()
    /// Prepended to every image name in `functions.yml` (for example `registry.local/esb/`).
    public var imagePrefix = ""
    /// The tag of every image (`<name>:<tag>`).
    public var imageTag = "latest"
    /// The build machine's architecture in Lambda's words (`x86_64`, `arm64`).
    public var hostArchitecture = "x86_64"
    /// `--skip-unsupported`: functions of runtimes the box cannot run are left out with a warning instead of
    /// failing the run.
    public var skipUnsupported = false
    /// The Python runtime patch copied into Python images.
    public var runtimePatch = PythonRuntimePatch.source

    /// Options for the template at `templatePath` (resolved against `templateDirectory`) writing to
    /// `outputDirectory`.
    public init(templatePath: String, templateDirectory: String, outputDirectory: String) {
        self.templatePath = templatePath
        self.templateDirectory = templateDirectory
        self.outputDirectory = outputDirectory
    }

    /// `AWS::StackName` as used.
    var effectiveStackName: String {
        stackName ?? PathTools.lastComponent(templateDirectory)
    }
}

/// `--base-image IMAGE` (every runtime) and `--base-image RUNTIME=IMAGE` (one runtime; wins over the former).
public struct BaseImageOverrides: Sendable, Equatable {
    /// The image for every runtime without its own entry.
    public var all: String?
    /// Runtime identifier (`python3.12`) → image.
    public var byRuntime: [String: String] = [:]

    public init() {}

    /// Parses the repeated option values; an entry whose part before `=` looks like a runtime
    /// (`python3.12`, `nodejs20.x`) is per runtime, anything else applies to every runtime.
    public init(arguments: [String]) throws(BaseImageError) {
        for argument in arguments {
            try add(argument)
        }
    }

    public mutating func add(_ argument: String) throws(BaseImageError) {
        if let equals = argument.firstIndex(of: "=") {
            let runtime = String(argument[..<equals])
            let image = String(argument[argument.index(after: equals)...])
            guard RuntimeSpec(runtime) != nil else {
                throw BaseImageError(argument: argument, reason: "unknown runtime \(runtime)")
            }
            guard !image.isEmpty else { throw BaseImageError(argument: argument, reason: "empty image name") }
            byRuntime[runtime] = image
        } else {
            guard !argument.isEmpty else { throw BaseImageError(argument: argument, reason: "empty image name") }
            all = argument
        }
    }

    /// The image for `runtime`, or nil for AWS's default.
    public func image(for runtime: String) -> String? {
        byRuntime[runtime] ?? all
    }
}

/// A `--base-image` value that cannot be used.
public struct BaseImageError: Error, Sendable, CustomStringConvertible {
    public var argument: String
    public var reason: String
    public var description: String { "--base-image \(argument): \(reason)" }
}
