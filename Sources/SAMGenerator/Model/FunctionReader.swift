import BoxCore
import YAML

/// Reads one `AWS::Serverless::Function` (with `Globals.Function` merged in) into a `FunctionSpec`.
struct FunctionReader {
    static let supported: Set<String> = [
        "FunctionName", "CodeUri", "InlineCode", "Handler", "Runtime", "Environment", "Timeout", "MemorySize",
        "ReservedConcurrentExecutions", "ProvisionedConcurrencyConfig", "Layers", "Events", "PackageType",
        "ImageUri", "Architectures", "ImageConfig", "EventInvokeConfig",
    ]
    /// Accepted without a warning: they describe the function but change nothing in the box.
    static let silent: Set<String> = [
        "Description", "Tags", "AutoPublishAlias", "AutoPublishCodeSha256", "VersionDescription",
    ]
    static let supportedInGlobals: Set<String> = [
        "CodeUri", "Handler", "Runtime", "Environment", "Timeout", "MemorySize", "ReservedConcurrentExecutions",
        "ProvisionedConcurrencyConfig", "Layers", "Architectures", "PackageType", "EventInvokeConfig",
    ]

    let context: ReadingContext
    let resource: SAMTemplate.Resource
    let globals: YAMLMappingReader?

    var resolver: TemplateResolver { context.resolver }
    var own: YAMLMappingReader { resource.properties }

    /// The property from the function, else from `Globals.Function`.
    func property(_ key: String) throws(TemplateError) -> TemplateValue? {
        if own.contains(key) { return try resolver.property(key, of: own) }
        guard let globals else { return nil }
        return try resolver.property(key, of: globals)
    }

    /// The function, or nil when something is wrong: then every problem found is in the log (one run reports
    /// all of a function's errors, not only the first).
    func read() -> FunctionSpec? {
        let errorsBefore = context.log.errorCount
        context.warnUnsupported(own, supported: Self.supported, silent: Self.silent, what: "function")
        let name = attempt { () throws(TemplateError) in try readName() } ?? resource.logicalID
        let packageType =
            attempt { () throws(TemplateError) in try property("PackageType")?.string("PackageType") ?? "Zip" } ?? "Zip"
        var spec = FunctionSpec(
            logicalID: resource.logicalID, name: name, mark: resource.mark,
            image: "\(context.options.imagePrefix)\(NameRules.imageRepository(name)):\(context.options.imageTag)",
            build: .prebuilt, environment: attempt { () throws(TemplateError) in try readEnvironment() } ?? [],
            timeout: attempt { () throws(TemplateError) in try bounded("Timeout", default: 3, 1...900) } ?? 3,
            memorySize: attempt { () throws(TemplateError) in try bounded("MemorySize", default: 128, 128...10240) }
                ?? 128,
            architecture: attempt { () throws(TemplateError) in try readArchitecture() } ?? "x86_64")
        attempt { () throws(TemplateError) in try readConcurrency(into: &spec) }
        if let eventInvoke = attempt({ () throws(TemplateError) in try readEventInvokeConfig() }) {
            spec.eventInvoke = eventInvoke
        }
        switch packageType {
        case "Zip":
            if let node = own["ImageConfig"] {
                context.log.warn("ImageConfig applies to PackageType Image only; ignored", at: node.mark)
            }
            if let zip = attempt({ () throws(TemplateError) in try readZip() }) {
                spec.build = .zip(zip)
                spec.runtime = zip.runtime.identifier
                spec.handler = zip.handler
            }
        case "Image":
            attempt { () throws(TemplateError) in try readImage(into: &spec) }
        default:
            context.log.error(
                "PackageType must be Zip or Image, found \(quoted(packageType))",
                at: own["PackageType"]?.mark ?? resource.mark)
        }
        return context.log.errorCount == errorsBefore ? spec : nil
    }

    /// Why the box cannot build or run this function, with the position to point at: a Zip function whose runtime
    /// the box cannot run (Go, Java, .NET, Ruby, custom runtimes), or whose code is in S3. Nil otherwise (also when
    /// a setting cannot be read: `read()` reports that). `--skip-unsupported` leaves such functions out.
    func unbuildable() -> (reason: String, mark: YAMLMark)? {
        guard (try? property("PackageType")?.string("PackageType")) ?? "Zip" == "Zip" else { return nil }
        if let value = try? property("Runtime"), let runtime = try? value.string("Runtime"), RuntimeSpec(runtime) == nil
        {
            return ("the box cannot run runtime \(quoted(runtime))", value.mark)
        }
        if !own.contains("InlineCode"), let code = try? property("CodeUri"), Self.isS3Location(code) {
            return ("its code is in S3 (CodeUri), which esb cannot build from", code.mark)
        }
        return nil
    }

    /// `s3://bucket/key`, or `{Bucket: ..., Key: ...}` (SAM's S3 location object), or CloudFormation's
    /// `{S3Bucket: ..., S3Key: ...}` (a plain `AWS::Lambda::LayerVersion`'s `Content`).
    static func isS3Location(_ value: TemplateValue) -> Bool {
        switch value.kind {
        case .string(let text): text.hasPrefix("s3://")
        case .map: value["Bucket"] != nil || value["S3Bucket"] != nil
        default: false
        }
    }

    /// Runs one step of the reading; its error is logged and reading goes on with the next step.
    @discardableResult
    func attempt<T>(_ step: () throws(TemplateError) -> T) -> T? {
        do {
            return try step()
        } catch {
            context.log.error(error)
            return nil
        }
    }

    /// `FunctionName` after substitution (AWS's rule, case kept), else the logical id in kebab case.
    private func readName() throws(TemplateError) -> String {
        let name = try resolver.resourceName(resource.logicalID)
        if !resolver.unknownNames.contains(resource.logicalID), let problem = NameRules.functionNameProblem(name) {
            let origin = own["FunctionName"] == nil ? " (made from the logical id \(resource.logicalID))" : ""
            throw TemplateError(
                "function name \(quotedInFull(name))\(origin) \(problem)\(context.stackNameNote(name))",
                at: own["FunctionName"]?.mark ?? resource.mark)
        }
        return name
    }

    // MARK: Settings

    private func bounded(_ key: String, default value: Int, _ range: ClosedRange<Int>) throws(TemplateError) -> Int {
        guard let v = try property(key) else { return value }
        let n = try v.int(key)
        guard range.contains(n) else {
            throw TemplateError(
                "\(key) must be between \(range.lowerBound) and \(range.upperBound), found \(n)", at: v.mark)
        }
        return n
    }

    private func readConcurrency(into spec: inout FunctionSpec) throws(TemplateError) {
        if let v = try property("ReservedConcurrentExecutions") {
            let n = try v.int("ReservedConcurrentExecutions")
            if n <= 0 {
                context.log.warn(
                    "ReservedConcurrentExecutions \(n) would disable the function on AWS; the box keeps its default concurrency",
                    at: v.mark)
            } else {
                spec.maxConcurrency = n
            }
        }
        if let v = try property("ProvisionedConcurrencyConfig") {
            guard let count = v["ProvisionedConcurrentExecutions"] else {
                throw TemplateError("ProvisionedConcurrencyConfig needs ProvisionedConcurrentExecutions", at: v.mark)
            }
            let n = try count.int("ProvisionedConcurrentExecutions")
            guard n >= 0 else {
                throw TemplateError("ProvisionedConcurrentExecutions must not be negative", at: count.mark)
            }
            if let max = spec.maxConcurrency, n > max {
                throw TemplateError(
                    "ProvisionedConcurrentExecutions \(n) is above ReservedConcurrentExecutions \(max)", at: count.mark)
            }
            spec.minWarm = n
            // The box's default worker limit must leave room for the warm ones.
            if spec.maxConcurrency == nil, n > FunctionConfig.fallbackMaxConcurrency { spec.maxConcurrency = n }
        }
    }

    private func readArchitecture() throws(TemplateError) -> String {
        guard let v = try property("Architectures") else { return "x86_64" }
        let items = try v.listOrSingle("Architectures")
        guard items.count == 1, let first = items.first else {
            throw TemplateError("Architectures must hold exactly one of x86_64, arm64", at: v.mark)
        }
        let arch = try first.string("Architectures")
        guard arch == "x86_64" || arch == "arm64" else {
            throw TemplateError("Architectures must be x86_64 or arm64, found \(quoted(arch))", at: first.mark)
        }
        if arch != context.options.hostArchitecture {
            context.log.warn(
                "architecture \(arch) differs from this build machine's (\(context.options.hostArchitecture)); the image needs emulation to run here",
                at: first.mark)
        }
        return arch
    }

    /// Globals' variables, then the function's (the function wins), sorted by name. Each variable is read on its
    /// own: an unresolved value does not hide an invalid name next to it (every error is logged; `read()` then
    /// drops the function).
    private func readEnvironment() throws(TemplateError) -> [(key: String, value: String)] {
        var merged: [String: String] = [:]
        for reader in [globals, own].compactMap({ $0 }) {
            for variable in try environmentVariables(of: reader) {
                attempt { () throws(TemplateError) in
                    guard FunctionConfig.isValidEnvironmentName(variable.key) else {
                        throw TemplateError(
                            "environment variable name \(quoted(variable.key)) is not valid: use [A-Za-z_][A-Za-z0-9_]*",
                            at: variable.keyMark)
                    }
                    let resolved = try variable.value.get()
                    let value: String
                    switch resolved.kind {
                    case .string(let text): value = text
                    case .null: value = ""
                    case .noValue: return
                    default: throw resolved.wrongType("a string", for: "environment variable \(variable.key)")
                    }
                    if Self.reservedVariables.contains(variable.key) {
                        // Lambda refuses these in a function's configuration; the box sets them itself (docs/manager.md).
                        context.log.warn(
                            "environment variable \(variable.key) is reserved by Lambda and set by the box itself; dropped",
                            at: variable.keyMark)
                        return
                    }
                    merged[variable.key] = value
                }
            }
        }
        return merged.keys.sorted().map { ($0, merged[$0]!) }
    }

    /// The variables of `reader`'s `Environment`, each value resolved on its own when the map is written out
    /// (the usual case); an `Environment` or `Variables` made by an intrinsic function is resolved as a whole.
    private func environmentVariables(of reader: YAMLMappingReader) throws(TemplateError) -> [(
        key: String, keyMark: YAMLMark, value: Result<TemplateValue, TemplateError>
    )] {
        guard let node = reader["Environment"], !node.isNull else { return [] }
        let writtenOut = Intrinsic(node) == nil && node.mapping != nil
        if writtenOut {
            let environment = try SAMTemplate.reader(node)
            for entry in environment.entries where entry.key != "Variables" {
                context.log.warn("Environment.\(entry.key) is not supported by esb; ignored", at: entry.keyNode.mark)
            }
            guard let variables = environment["Variables"], !variables.isNull else { return [] }
            if Intrinsic(variables) == nil, variables.mapping != nil {
                return try SAMTemplate.reader(variables).entries.map { entry in
                    let value = Result { () throws(TemplateError) in try resolver.resolve(entry.value) }
                    return (entry.key, entry.keyNode.mark, value)
                }
            }
        }
        guard let environment = try resolver.property("Environment", of: reader) else { return [] }
        for entry in try environment.entries("Environment") where entry.key != "Variables" && !writtenOut {
            context.log.warn("Environment.\(entry.key) is not supported by esb; ignored", at: entry.keyMark)
        }
        guard let variables = environment["Variables"], !variables.isNull, !variables.isNoValue else { return [] }
        return try variables.entries("Environment.Variables").map { ($0.key, $0.keyMark, .success($0.value)) }
    }

    /// Lambda's reserved variables (its "defined runtime environment variables"), and the two the box adds
    /// (`AWS_LAMBDA_FUNCTION_TIMEOUT`, `AWS_LAMBDA_MAX_CONCURRENCY`, read by the RIE). Not every `AWS_LAMBDA_*`:
    /// Lambda lets functions set `AWS_LAMBDA_EXEC_WRAPPER` (wrapper scripts, the Lambda Web Adapter) and the like.
    static let reservedVariables: Set<String> = [
        "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "_HANDLER",
        "_X_AMZN_TRACE_ID", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_RUNTIME_API", "AWS_LAMBDA_FUNCTION_TIMEOUT",
        "AWS_LAMBDA_MAX_CONCURRENCY",
    ]
}
