import YAML

/// Code, layers and images of a function.
extension FunctionReader {
    func readZip() throws(TemplateError) -> FunctionSpec.ZipBuild {
        guard let runtimeValue = try property("Runtime") else {
            throw TemplateError(
                "function \(resource.logicalID) has no Runtime (neither in the function nor in Globals.Function)",
                at: resource.mark)
        }
        let runtimeName = try runtimeValue.string("Runtime")
        guard let runtime = RuntimeSpec(runtimeName) else {
            throw TemplateError(
                "runtime \(quoted(runtimeName)) is not supported by esb (python3.x and nodejsNN.x are; --skip-unsupported leaves such functions out)",
                at: runtimeValue.mark)
        }
        guard let handlerValue = try property("Handler") else {
            throw TemplateError("function \(resource.logicalID) has no Handler", at: resource.mark)
        }
        let handler = try handlerValue.string("Handler")
        guard let dot = handler.lastIndex(of: "."), dot != handler.startIndex,
            handler.index(after: dot) != handler.endIndex
        else {
            throw TemplateError("Handler must be MODULE.FUNCTION, found \(quoted(handler))", at: handlerValue.mark)
        }
        let module = String(handler[..<dot])
        // The module names a file inside the function's code (and, for InlineCode, a file esb writes): no way out
        // of that folder, nothing that is not a plain path (docs/sam-support.md).
        guard Self.isPlainModulePath(module) else {
            throw TemplateError(
                "Handler \(quoted(handler)) must name a module inside the function's code: letters, digits, '_', '-', '.' and '/' without '..' or a leading '/'",
                at: handlerValue.mark)
        }
        var build = FunctionSpec.ZipBuild(
            runtime: runtime, handler: handler, codePath: nil, inlineCode: nil, layers: readLayers(),
            hasRequirements: false, hasPackageJSON: false)
        if own.contains("InlineCode"), let inline = try resolver.property("InlineCode", of: own) {
            let file =
                runtime.isPython
                ? module.replacingSlashes().split(separator: ".").joined(separator: "/") + ".py" : module + ".js"
            build.inlineCode = (file, try inline.string("InlineCode"))
            return build
        }
        let codeValue = try property("CodeUri") ?? .string(".", at: resource.mark)
        if Self.isS3Location(codeValue) {
            throw TemplateError(
                "CodeUri is an S3 location; esb builds from local folders only (--skip-unsupported leaves such functions out)",
                at: codeValue.mark)
        }
        if let file = try singleCodeFile(codeValue, runtime: runtime) {
            // The one file is the code, as a deployment package made from it (docs/sam-support.md).
            build.codePath = file
            // A deployment package (.zip) is unpacked by esb build; what it holds is not looked at here.
            if !file.hasSuffix(".zip"), !handlerModuleExists(module, runtime: runtime, inFile: file) {
                context.log.warn(
                    "handler module \(module) of \(resource.logicalID) is not the CodeUri file \(PathTools.lastComponent(file))",
                    at: handlerValue.mark)
            }
            return build
        }
        let code = try context.directory(codeValue, what: "CodeUri")
        build.codePath = code
        build.hasRequirements = runtime.isPython && context.fileSystem.isFile(code + "/requirements.txt")
        build.hasPackageJSON = !runtime.isPython && context.fileSystem.isFile(code + "/package.json")
        // A Lambda Web Adapter function names its start script (`Handler: run.sh`, run by the adapter's wrapper):
        // a file of that name in the code is what the handler means, not a module `run`.
        if !handlerModuleExists(module, runtime: runtime, in: [code] + build.layers.map { $0.contentPath }),
            !context.fileSystem.isFile(code + "/" + handler)
        {
            context.log.warn(
                "handler module \(module) of \(resource.logicalID) is not in its CodeUri or layers",
                at: handlerValue.mark)
        }
        if let method = resource.metadata?["BuildMethod"]?.scalar, !method.hasPrefix("python"),
            !method.hasPrefix("nodejs")
        {
            context.log.warn(
                "Metadata.BuildMethod \(method) is not supported; esb copies the code folder as it is",
                at: resource.metadata?["BuildMethod"]?.mark ?? resource.mark)
        }
        return build
    }

    /// What to install instead of a well-known public layer (AWS's own Powertools layers are in many public
    /// templates): the package it carries, for requirements.txt or package.json.
    static func layerHint(_ arn: String) -> String {
        let name = arn.split(separator: ":").dropFirst(6).first.map(String.init) ?? ""
        if name.hasPrefix("AWSLambdaPowertoolsPython") {
            return "; add aws-lambda-powertools to the function's requirements.txt instead"
        }
        if name.hasPrefix("AWSLambdaPowertoolsTypeScript") {
            return "; add the @aws-lambda-powertools packages to the function's package.json instead"
        }
        return ""
    }

    /// `app`, `src/handlers/orders`, `pkg.module`: relative, no `.`/`..`/empty path segment, plain characters.
    static func isPlainModulePath(_ module: String) -> Bool {
        guard !module.hasPrefix("/"),
            module.unicodeScalars.allSatisfy({
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-./".unicodeScalars.contains($0))
            })
        else { return false }
        return module.split(separator: "/", omittingEmptySubsequences: false).allSatisfy {
            !$0.isEmpty && $0 != "." && $0 != ".."
        }
            && !module.contains("..")
    }

    /// `CodeUri: src/function.py`: a source file of the runtime's language as the whole code (public SAM examples
    /// deployed with `sam deploy`, which zips the one file), or `src/index.zip`, a deployment package `esb build`
    /// unpacks. Nil for a folder; any other file is an error.
    private func singleCodeFile(_ value: TemplateValue, runtime: RuntimeSpec) throws(TemplateError) -> String? {
        guard case .string(let text) = value.kind, !text.hasPrefix("s3://") else { return nil }
        let path = PathTools.join(context.options.templateDirectory, text)
        guard context.fileSystem.isFile(path) else { return nil }
        let name = PathTools.lastComponent(path)
        let sourceExtensions = runtime.isPython ? [".py"] : [".js", ".mjs", ".cjs"]
        if sourceExtensions.contains(where: { name.hasSuffix($0) }) || name.hasSuffix(".zip") { return path }
        throw TemplateError(
            "CodeUri \(quoted(text)) is a file; esb needs the folder of the code, a .zip deployment package or one \(sourceExtensions.joined(separator: "/")) file",
            at: value.mark)
    }

    private func handlerModuleExists(_ module: String, runtime: RuntimeSpec, inFile file: String) -> Bool {
        let name = PathTools.lastComponent(file)
        let stem = name.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".")
        return module == stem
    }

    private func handlerModuleExists(_ module: String, runtime: RuntimeSpec, in folders: [String]) -> Bool {
        let fs = context.fileSystem
        let candidates: [String]
        if runtime.isPython {
            let path = module.replacingSlashes().split(separator: ".").joined(separator: "/")
            candidates = [
                path + ".py", path + "/__init__.py", "python/" + path + ".py", "python/" + path + "/__init__.py",
            ]
        } else {
            candidates = ["js", "mjs", "cjs"].flatMap { [module + "." + $0, "nodejs/" + module + "." + $0] }
        }
        return folders.contains { folder in candidates.contains { fs.isFile(folder + "/" + $0) } }
    }

    /// Globals' layers, then the function's (SAM adds lists up). Every bad entry is an error of its own (logged
    /// here; `read()` then drops the function), not only the first.
    func readLayers() -> [LayerSpec] {
        var layers: [LayerSpec] = []
        for reader in [globals, own].compactMap({ $0 }) {
            guard let node = reader["Layers"], !node.isNull else { continue }
            let items = node.sequence ?? [node]
            for item in items {
                if let layer = attempt({ () throws(TemplateError) in try layer(item) }) ?? nil,
                    !layers.contains(layer)
                {
                    layers.append(layer)
                }
            }
        }
        if layers.count > 5 {
            context.log.warn(
                "a Lambda function takes at most 5 layers; esb bakes in all \(layers.count)",
                at: own["Layers"]?.mark ?? resource.mark)
        }
        return layers
    }

    /// A `!Ref` to a layer of this template, its logical id, or its synthetic ARN; an ARN from elsewhere is a
    /// warning (it cannot be baked in).
    private func layer(_ node: YAMLNode) throws(TemplateError) -> LayerSpec? {
        var logicalID: String?
        if let call = Intrinsic(node), call.name == "Ref", let target = call.argument.scalar,
            let resource = context.template.resource(target), Self.layerTypes.contains(resource.type)
        {
            logicalID = target
        } else if let parameter = resolver.missingParameter(in: node) {
            // A parameter holds a layer ARN from elsewhere, which is left out anyway: its missing value is not
            // needed (docs/sam-support.md, Parameters).
            context.log.warn(
                "layer from parameter \(parameter), which has no value, is taken as an ARN outside this template; it cannot be baked into the image",
                at: node.mark)
            return nil
        } else {
            let value = try resolver.resolve(node)
            if value.isNoValue { return nil }
            let text = try value.string("a layer")
            if let resource = context.template.resource(text), Self.layerTypes.contains(resource.type) {
                logicalID = text
            } else if let local = try localLayer(arn: text) {
                logicalID = local
            } else if text.hasPrefix("arn:") {
                context.log.warn(
                    "layer \(text) is an ARN outside this template; it cannot be baked into the image\(Self.layerHint(text))",
                    at: node.mark)
                return nil
            } else {
                throw TemplateError(
                    "layer \(quoted(text)) is neither a layer of this template nor an ARN", at: node.mark)
            }
        }
        guard let id = logicalID, let resource = context.template.resource(id) else { return nil }
        guard let layer = try LayerReader(context: context, resource: resource).read() else {
            context.log.warn(
                "layer \(id) has its content in S3; it cannot be baked into the image of \(self.resource.logicalID)",
                at: node.mark)
            return nil
        }
        return layer
    }

    /// The logical id of the template's layer whose synthetic ARN is `arn`.
    private func localLayer(arn: String) throws(TemplateError) -> String? {
        for r in context.template.resources where Self.layerTypes.contains(r.type) {
            if try resolver.layerARN(r.logicalID) == arn { return r.logicalID }
        }
        return nil
    }

    static let layerTypes: Set<String> = ["AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"]

    /// `PackageType: Image`: `Metadata.Dockerfile` + `DockerContext` (built by esb build), or `ImageUri`.
    func readImage(into spec: inout FunctionSpec) throws(TemplateError) {
        for key in ["Runtime", "Handler", "CodeUri", "Layers"] where own.contains(key) {
            context.log.warn("\(key) is ignored for PackageType Image", at: own[key]!.mark)
        }
        spec.imageConfig = try readImageConfig()
        if let metadataNode = resource.metadata, let dockerfileNode = metadataNode["Dockerfile"] {
            let metadata = try resolver.resolve(metadataNode)
            let dockerfile = try metadata["Dockerfile"]?.string("Metadata.Dockerfile") ?? "Dockerfile"
            let contextValue = metadata["DockerContext"] ?? .string(".", at: metadataNode.mark)
            let folder = try context.directory(contextValue, what: "Metadata.DockerContext")
            let file = PathTools.join(folder, dockerfile)
            guard context.fileSystem.isFile(file) else {
                throw TemplateError(
                    "Dockerfile \(quoted(dockerfile)) not found in DockerContext", at: dockerfileNode.mark)
            }
            if let tag = try metadata["DockerTag"]?.string("Metadata.DockerTag") {
                spec.image = "\(context.options.imagePrefix)\(NameRules.imageRepository(spec.name)):\(tag)"
            }
            for key in ["DockerBuildArgs", "DockerBuildTarget"] {
                if let entry = metadata.entry(key) {
                    context.log.warn("Metadata.\(key) is not supported by esb build; ignored", at: entry.keyMark)
                }
            }
            spec.build = .dockerfile(context: folder, dockerfile: file)
            return
        }
        if let uri = try property("ImageUri") {
            let image = try uri.string("ImageUri")
            if spec.imageConfig != nil {
                // The function's own image (its generated name) is built FROM the given one.
                spec.build = .imageConfigOnly(baseImage: image)
            } else {
                spec.image = image
                spec.build = .prebuilt
            }
            return
        }
        throw TemplateError(
            "PackageType Image needs Metadata.Dockerfile (and DockerContext) or ImageUri", at: resource.mark)
    }

    /// `ImageConfig`: `Command`, `EntryPoint` (lists of strings) and `WorkingDirectory`. Written into a generated
    /// Dockerfile, so every value must be plain text (no control characters: no way to start a new instruction).
    private func readImageConfig() throws(TemplateError) -> FunctionSpec.ImageConfig? {
        guard let value = try resolver.property("ImageConfig", of: own) else { return nil }
        var config = FunctionSpec.ImageConfig()
        for entry in try value.entries("ImageConfig") {
            switch entry.key {
            case "Command", "EntryPoint":
                let items = try entry.value.listOrSingle("ImageConfig.\(entry.key)").map {
                    v throws(TemplateError) -> String in
                    try Self.plainText(v, "ImageConfig.\(entry.key)")
                }
                if entry.key == "Command" { config.command = items } else { config.entryPoint = items }
            case "WorkingDirectory":
                let directory = try Self.plainText(entry.value, "ImageConfig.WorkingDirectory")
                guard directory.hasPrefix("/") else {
                    throw TemplateError(
                        "ImageConfig.WorkingDirectory must be an absolute path, found \(quoted(directory))",
                        at: entry.value.mark)
                }
                config.workingDirectory = directory
            default:
                context.log.warn("ImageConfig.\(entry.key) is not supported by esb; ignored", at: entry.keyMark)
            }
        }
        if config.entryPoint != nil, config.command == nil {
            context.log.warn(
                "ImageConfig.EntryPoint without Command: Docker resets the image's CMD when ENTRYPOINT is set; give Command too",
                at: value.mark)
        }
        return config == FunctionSpec.ImageConfig() ? nil : config
    }

    private static func plainText(_ value: TemplateValue, _ what: String) throws(TemplateError) -> String {
        let text = try value.string(what)
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw TemplateError(
                "\(what) must not contain control characters (a newline would start a new Dockerfile instruction)",
                at: value.mark)
        }
        return text
    }
}

/// Reads an `AWS::Serverless::LayerVersion` (or `AWS::Lambda::LayerVersion` with a local `Content`).
struct LayerReader {
    let context: ReadingContext
    let resource: SAMTemplate.Resource

    /// The layer, or nil when its content is in S3 (a package made at deploy time, often by a custom resource):
    /// like a layer ARN from elsewhere it cannot be baked in, so it is left out (warned by `warnIfInS3`).
    func read(warnIfInS3: Bool = false) throws(TemplateError) -> LayerSpec? {
        let props = resource.properties
        context.warnUnsupported(
            props, supported: ["LayerName", "ContentUri", "Content"],
            silent: ["Description", "CompatibleRuntimes", "CompatibleArchitectures", "LicenseInfo", "RetentionPolicy"],
            what: "layer")
        let name = try context.resolver.resourceName(resource.logicalID)
        // A name made from a parameter without a value is not judged: the missing value is the error.
        let checked = !context.resolver.unknownNames.contains(resource.logicalID)
        guard !checked || (1...140).contains(name.utf8.count) && name.unicodeScalars.allSatisfy(NameRules.isNameScalar)
        else {
            throw TemplateError(
                "layer name \(quoted(name)) must match [a-zA-Z0-9_-]{1,140}",
                at: props["LayerName"]?.mark ?? resource.mark)
        }
        var content = try context.resolver.property("ContentUri", of: props)
        if content == nil { content = try context.resolver.property("Content", of: props) }
        guard let content else {
            throw TemplateError("layer \(resource.logicalID) has no ContentUri", at: resource.mark)
        }
        if FunctionReader.isS3Location(content) {
            if warnIfInS3 {
                context.log.warn(
                    "layer \(resource.logicalID) has its content in S3, which esb cannot build from; functions that use it run without it",
                    at: content.mark)
            }
            return nil
        }
        let folder = try context.directory(content, what: "ContentUri")
        let method = resource.metadata?["BuildMethod"]?.scalar
        let pythonBuild = method?.hasPrefix("python") ?? false
        if let method, !pythonBuild {
            context.log.warn(
                "layer BuildMethod \(method) is not supported; the content is copied to /opt as it is",
                at: resource.metadata?["BuildMethod"]?.mark ?? resource.mark)
        }
        return LayerSpec(
            logicalID: resource.logicalID, name: name, contentPath: folder, pythonBuild: pythonBuild,
            hasRequirements: pythonBuild && context.fileSystem.isFile(folder + "/requirements.txt"))
    }
}

extension String {
    /// `src/app` → `src.app` (Python module paths may be written with slashes).
    fileprivate func replacingSlashes() -> String {
        String(map { $0 == "/" ? "." : $0 })
    }
}
