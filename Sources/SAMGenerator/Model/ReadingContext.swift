import YAML

/// What every resource reader needs: the resolver, the log, the options and the file system.
struct ReadingContext {
    let resolver: TemplateResolver
    let options: GeneratorOptions
    let fileSystem: any ProjectFileSystem

    var log: DiagnosticLog { resolver.log }
    var template: SAMTemplate { resolver.template }

    /// What to do instead, for unsupported properties public templates use often.
    static let unsupportedHints: [String: String] = [
        "FunctionUrlConfig":
            "the box has no function URLs; an HttpApi event without Path and Method routes every path and method to the function with the same event (payload 2.0)"
    ]

    /// Warns about every property of `reader` that is neither supported nor harmless to ignore.
    func warnUnsupported(
        _ reader: YAMLMappingReader, supported: Set<String>, silent: Set<String> = [], what: String
    ) {
        for entry in reader.entries where !supported.contains(entry.key) && !silent.contains(entry.key) {
            let hint = Self.unsupportedHints[entry.key].map { ": " + $0 } ?? ""
            let message = "\(what) property \(entry.key) is not supported by esb; ignored\(hint)"
            if NoEffectSettings.functionProperties.contains(entry.key)
                || NoEffectSettings.eventProperties.contains(entry.key)
            {
                log.noEffect(message, group: entry.key, at: entry.keyNode.mark)
            } else {
                log.warn(message, at: entry.keyNode.mark)
            }
        }
    }

    /// Said after a refused name that contains the default `AWS::StackName`: that part came from the
    /// template's folder name, which the user may never have thought of as a name.
    func stackNameNote(_ name: String) -> String {
        let stack = options.effectiveStackName
        guard options.stackName == nil, !stack.isEmpty, name.contains(stack) else { return "" }
        return
            "; it contains AWS::StackName, which is the template's folder name \"\(stack)\" unless --stack-name is given"
    }

    /// A path property (CodeUri, ContentUri, DockerContext) as an absolute path that must be a folder.
    func directory(_ value: TemplateValue, what: String) throws(TemplateError) -> String {
        guard case .string(let text) = value.kind else {
            throw TemplateError(
                "\(what) must be a local folder path (an S3 location cannot be built here)", at: value.mark)
        }
        if text.hasPrefix("s3://") {
            throw TemplateError(
                "\(what) \(quoted(text)) is an S3 location; esb builds from local folders only", at: value.mark)
        }
        let path = PathTools.join(options.templateDirectory, text)
        guard fileSystem.isDirectory(path) else {
            if fileSystem.isFile(path) {
                throw TemplateError(
                    "\(what) \(quoted(text)) is a file; esb needs the folder of the code", at: value.mark)
            }
            throw TemplateError("\(what) folder \(quoted(text)) does not exist", at: value.mark)
        }
        return path
    }
}
