import BoxCore
import YAML

/// Everything `esb generate` understood from a template, before any file is rendered.
struct ProjectModel {
    var functions: [FunctionSpec] = []
    var routes: [RouteSpec] = []
    var tables: [TableSpec] = []
    var buckets: [BucketSpec] = []
    /// Functions left out by `--skip-unsupported`.
    var skippedFunctions = 0
    var schedules: [ScheduleSpec] = []
}

/// A Lambda runtime the box can build: `python3.x` or `nodejsNN.x`.
package struct RuntimeSpec: Equatable {
    enum Family: Equatable {
        /// `python3.11` → version "3.11".
        case python(version: String)
        /// `nodejs20.x` → major "20".
        case nodejs(major: String)
    }

    var identifier: String
    var family: Family

    package init?(_ identifier: String) {
        self.identifier = identifier
        if identifier.hasPrefix("python3."), let minor = Int(identifier.dropFirst("python3.".count)) {
            family = .python(version: "3.\(minor)")
        } else if identifier.hasPrefix("nodejs"), identifier.hasSuffix(".x"),
            let major = Int(identifier.dropFirst("nodejs".count).dropLast(2))
        {
            family = .nodejs(major: String(major))
        } else {
            return nil
        }
    }

    /// AWS's public base image for this runtime.
    var defaultBaseImage: String {
        switch family {
        case .python(let version): "public.ecr.aws/lambda/python:\(version)"
        case .nodejs(let major): "public.ecr.aws/lambda/nodejs:\(major)"
        }
    }

    var isPython: Bool { identifier.hasPrefix("python") }
}

/// A layer baked into images under `/opt`.
struct LayerSpec: Equatable {
    var logicalID: String
    var name: String
    /// ContentUri, relative to the template's folder.
    var contentPath: String
    /// `Metadata.BuildMethod: python3.x`: the content goes under `python/` with its requirements installed.
    var pythonBuild: Bool
    var hasRequirements: Bool
}

/// One function of `functions.yml` and how its image is built.
struct FunctionSpec {
    enum Build {
        /// Code + runtime: esb writes the Dockerfile.
        case zip(ZipBuild)
        /// `PackageType: Image` with `Metadata.Dockerfile`: the user's Dockerfile, paths relative to the
        /// template's folder.
        case dockerfile(context: String, dockerfile: String)
        /// `ImageUri`: nothing to build.
        case prebuilt
        /// `ImageUri` with `ImageConfig`: only the generated Dockerfile that applies the ImageConfig on top of it.
        case imageConfigOnly(baseImage: String)
    }

    struct ZipBuild {
        var runtime: RuntimeSpec
        var handler: String
        /// Code folder relative to the template's folder, or nil for InlineCode.
        var codePath: String?
        /// InlineCode: file name and content, written under `functions/<name>/inline/`.
        var inlineCode: (fileName: String, code: String)?
        var layers: [LayerSpec]
        var hasRequirements: Bool
        var hasPackageJSON: Bool
    }

    /// `ImageConfig` of an Image function: what Lambda would override in the image's configuration.
    struct ImageConfig: Equatable {
        var command: [String]?
        var entryPoint: [String]?
        var workingDirectory: String?
    }

    var logicalID: String
    var name: String
    var mark: YAMLMark
    var image: String
    var build: Build
    /// Applied by a small generated Dockerfile on top of the function's image (docs/sam-support.md).
    var imageConfig: ImageConfig?
    var environment: [(key: String, value: String)]
    var timeout: Int
    var memorySize: Int
    var maxConcurrency: Int?
    var minWarm: Int?
    var architecture: String
    var runtime: String?
    var handler: String?
    /// `EventInvokeConfig` (Model/EventInvokeConfigReader.swift).
    var eventInvoke = EventInvokeSettings()
}

/// One line of `routing.yml`.
struct RouteSpec: Equatable {
    var path: String
    var method: String
    var function: String
    var payloadFormat: String
    var auth: String
    var mark: YAMLMark
    /// From an HTTP API's OpenAPI document: it wins over an event for the same path and method, as in SAM.
    var fromHTTPAPIDocument = false
    /// An `Api` event on an explicit REST API that has its own OpenAPI document: SAM adds no event route to such
    /// a document, so the document decides whether AWS serves it (ModelBuilder.routesOfDocumentedAPIs).
    var documentedRestAPI: String?
    /// The logical id of the API that serves the route (`ServerlessRestApi` / `ServerlessHttpApi` for SAM's implicit
    /// APIs); nil when it is not an API of the template (an imported id).
    var api: String?
    /// The API's CORS settings (Model/CORSReader.swift), the same on each of its routes.
    var cors: CORSPolicy?
}

/// One table of `resources.yml`.
package struct TableSpec: Equatable {
    package struct Key: Equatable {
        package var attribute: String
        package var type: String
        package var key: String
    }

    package struct Index: Equatable {
        package var name: String
        package var keySchema: [Key]
        package var projection: String
        package var nonKeyAttributes: [String]
        package var readCapacity: Int?
        package var writeCapacity: Int?
    }

    package var name: String
    package var keySchema: [Key]
    package var globalIndexes: [Index] = []
    package var localIndexes: [Index] = []
    package var billingMode: String
    package var readCapacity: Int?
    package var writeCapacity: Int?
    var mark: YAMLMark
}

/// One bucket of `resources.yml`.
struct BucketSpec: Equatable {
    var name: String
    var mark: YAMLMark
}
