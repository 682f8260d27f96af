import YAML

/// The template's `Parameters`, each given its value: the `--param` override, else the `Default`, checked
/// against `Type`, `AllowedValues`, `AllowedPattern` and the length/value bounds as CloudFormation does.
enum TemplateParameters {
    static let knownKeys: Set<String> = [
        "Type", "Default", "AllowedValues", "AllowedPattern", "MinLength", "MaxLength", "MinValue", "MaxValue",
        "Description", "ConstraintDescription", "NoEcho",
    ]

    /// The parameters' values, and where the parameters without any value are declared.
    struct Values {
        /// Parameter name → value; a parameter without a value has a placeholder the box cannot know.
        var values: [String: TemplateValue] = [:]
        /// Parameters with neither `Default` nor `--param`: an error only where something esb generates uses
        /// them (TemplateResolver), a warning otherwise (docs/sam-support.md).
        var missing: [String: YAMLMark] = [:]
    }

    /// Parameter name → value. Problems go to `log` as errors (with the parameter's position) or warnings.
    static func values(
        of section: YAMLMappingReader?, overrides: [String: String], log: DiagnosticLog
    ) -> Values {
        var values: [String: TemplateValue] = [:]
        var missing: [String: YAMLMark] = [:]
        let declared = Set(section?.entries.map(\.key) ?? [])
        for name in overrides.keys.sorted() where !declared.contains(name) {
            let known =
                declared.isEmpty
                ? "the template has no Parameters" : "its parameters are " + declared.sorted().joined(separator: ", ")
            log.warnUnlocated("--param \(name) matches no parameter of \(log.path) (\(known)); ignored")
        }
        for entry in section?.entries ?? [] {
            do {
                if let value = try value(of: entry, override: overrides[entry.key], log: log) {
                    values[entry.key] = value
                    continue
                }
                missing[entry.key] = entry.keyNode.mark
            } catch {
                log.error(error)
            }
            // A placeholder the box cannot know: reading goes on, and nothing that depends on it is judged.
            values[entry.key] = .string("<\(entry.key)>", at: entry.keyNode.mark, known: false)
        }
        return Values(values: values, missing: missing)
    }

    static func missingMessage(_ name: String) -> String {
        "parameter \(name) has no Default; pass --param \(name)=VALUE"
    }

    private static func value(
        of entry: YAMLMappingReader.Entry, override: String?, log: DiagnosticLog
    ) throws(TemplateError) -> TemplateValue? {
        let name = entry.key
        let mark = entry.keyNode.mark
        let definition = try SAMTemplate.reader(entry.value)
        for key in definition.entries where !knownKeys.contains(key.key) {
            log.warn("unknown parameter attribute \(quoted(key.key)) ignored", at: key.keyNode.mark)
        }
        let type = try definition.optional("Type").map { n throws(TemplateError) in try text(n, "Type") } ?? "String"
        let isList = type == "CommaDelimitedList" || type.hasPrefix("List<")
        let isNumber = type == "Number" || type == "List<Number>"
        if type.hasPrefix("AWS::SSM::Parameter") {
            log.warn(
                "parameter \(name) of type \(type) cannot be read from SSM; its Default (or --param) is used", at: mark)
        } else if !(["String", "Number", "CommaDelimitedList", "List<Number>", "List<String>"].contains(type)
            || type.hasPrefix("AWS::") || type.hasPrefix("List<AWS::"))
        {
            throw TemplateError(
                "parameter \(name) has unknown Type \(quoted(type))", at: definition["Type"]?.mark ?? mark)
        }
        let raw: String
        if let override {
            raw = override
        } else if let defaultNode = definition["Default"],
            !defaultNode.isNull || defaultNode.scalarStyle?.isQuoted == true
        {
            if let items = defaultNode.sequence, isList {
                raw = try items.map { n throws(TemplateError) in try text(n, "Default") }.joined(separator: ",")
            } else {
                raw = try text(defaultNode, "Default")
            }
        } else {
            return nil
        }
        let pieces = isList ? raw.split(separator: ",", omittingEmptySubsequences: false).map(String.init) : [raw]
        let source = override != nil ? "--param \(name)" : "the Default of \(name)"
        for piece in pieces {
            try check(piece, source: source, definition: definition, isNumber: isNumber, at: mark)
        }
        if isList {
            return TemplateValue(kind: .list(pieces.map { .string($0, at: mark) }), mark: mark)
        }
        return .string(raw, at: mark)
    }

    private static func check(
        _ value: String, source: String, definition: YAMLMappingReader, isNumber: Bool, at mark: YAMLMark
    ) throws(TemplateError) {
        if let allowedNode = definition.optional("AllowedValues") {
            let allowed = try (allowedNode.sequence ?? [allowedNode]).map { n throws(TemplateError) in
                try text(n, "AllowedValues")
            }
            guard allowed.contains(value) else {
                let list = allowed.map(quoted).joined(separator: ", ")
                throw TemplateError("\(source) is \(quoted(value)), not one of AllowedValues [\(list)]", at: mark)
            }
        }
        if isNumber {
            guard let number = YAMLScalarSchema.double(value), number.isFinite else {
                throw TemplateError("\(source) is \(quoted(value)), not a number", at: mark)
            }
            if let min = try bound(definition, "MinValue"), number < min {
                throw TemplateError("\(source) is \(value), below MinValue \(min)", at: mark)
            }
            if let max = try bound(definition, "MaxValue"), number > max {
                throw TemplateError("\(source) is \(value), above MaxValue \(max)", at: mark)
            }
            return
        }
        if let min = try bound(definition, "MinLength"), Double(value.count) < min {
            throw TemplateError("\(source) is shorter than MinLength \(Int(min))", at: mark)
        }
        if let max = try bound(definition, "MaxLength"), Double(value.count) > max {
            throw TemplateError("\(source) is longer than MaxLength \(Int(max))", at: mark)
        }
        if let patternNode = definition.optional("AllowedPattern") {
            let pattern = try text(patternNode, "AllowedPattern")
            guard let regex = try? Regex(pattern) else {
                throw TemplateError(
                    "AllowedPattern \(quoted(pattern)) is not a valid regular expression", at: patternNode.mark)
            }
            guard (try? regex.wholeMatch(in: value)) != nil else {
                throw TemplateError(
                    "\(source) is \(quoted(value)), which does not match AllowedPattern \(quoted(pattern))", at: mark)
            }
        }
    }

    private static func bound(_ definition: YAMLMappingReader, _ key: String) throws(TemplateError) -> Double? {
        guard let node = definition.optional(key) else { return nil }
        do {
            return try node.double()
        } catch {
            throw TemplateError(error)
        }
    }

    private static func text(_ node: YAMLNode, _ what: String) throws(TemplateError) -> String {
        guard let text = node.scalar, node.tag == nil || node.tag?.hasPrefix("tag:yaml.org,2002:") == true else {
            throw TemplateError(
                "\(what) must be a literal value (intrinsic functions are not allowed here)", at: node.mark)
        }
        return text
    }
}
