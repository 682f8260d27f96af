import YAML

/// The sections of a SAM template, read but not yet resolved: nodes keep their positions and tags.
struct SAMTemplate {
    /// One entry of `Resources`.
    struct Resource {
        var logicalID: String
        var type: String
        /// The `Properties` mapping (an empty mapping when absent).
        var properties: YAMLMappingReader
        /// The resource's own keys (`Type`, `Properties`, `Condition`, `Metadata`, ...).
        var body: YAMLMappingReader
        /// Where the logical id is written.
        var mark: YAMLMark
        /// `Condition:` of the resource, with its position.
        var condition: (name: String, mark: YAMLMark)?
        var metadata: YAMLNode?
    }

    /// `Transform` names `AWS::LanguageExtensions`: `Fn::FindInMap`'s `DefaultValue` and `Fn::Length` are applied
    /// (TemplateResolver+Functions.swift; docs/sam-support.md "Intrinsic functions").
    var languageExtensions = false
    var parameters: YAMLMappingReader?
    var mappings: YAMLMappingReader?
    var conditions: YAMLMappingReader?
    var globals: YAMLMappingReader?
    var resources: [Resource]
    var resourcesByID: [String: Int]

    static let knownSections: Set<String> = [
        "AWSTemplateFormatVersion", "Transform", "Description", "Metadata", "Parameters", "Mappings",
        "Conditions", "Globals", "Resources", "Outputs",
    ]
    static let knownResourceKeys: Set<String> = [
        "Type", "Properties", "Condition", "Metadata", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy",
        "UpdatePolicy", "CreationPolicy", "IgnoreGlobals",
    ]

    /// Reads the top level of `root`; shape errors are thrown, questionable constructs logged as warnings.
    init(_ root: YAMLNode, log: DiagnosticLog) throws(TemplateError) {
        guard root.mapping != nil else {
            throw TemplateError("a SAM template must be a mapping, found \(root.kindDescription)", at: root.mark)
        }
        let top = try Self.reader(root)
        for entry in top.entries where !Self.knownSections.contains(entry.key) {
            log.warn("unsupported template section \(quoted(entry.key)) ignored", at: entry.keyNode.mark)
        }
        if let transform = top["Transform"] {
            Self.checkTransform(transform, log: log)
            languageExtensions = (transform.sequence ?? [transform]).contains { $0.scalar == Self.languageExtensions }
        }
        parameters = try top.optional("Parameters").map { n throws(TemplateError) in try Self.reader(n) }
        mappings = try top.optional("Mappings").map { n throws(TemplateError) in try Self.reader(n) }
        conditions = try top.optional("Conditions").map { n throws(TemplateError) in try Self.reader(n) }
        globals = try top.optional("Globals").map { n throws(TemplateError) in try Self.reader(n) }
        guard let resourcesNode = top["Resources"] else {
            throw TemplateError("the template has no Resources section", at: root.mark)
        }
        var resources: [Resource] = []
        var index: [String: Int] = [:]
        for entry in try Self.reader(resourcesNode).entries {
            // Logical ids end up in generated comments and messages: a newline there could write a Dockerfile
            // instruction. CloudFormation allows letters and digits only; so does esb.
            guard NameRules.isValidLogicalID(entry.key) else {
                log.error(
                    "logical id \(quoted(entry.key)) is not valid: CloudFormation allows letters and digits only",
                    at: entry.keyNode.mark)
                continue
            }
            let body = try Self.reader(entry.value)
            for key in body.entries where !Self.knownResourceKeys.contains(key.key) {
                // SAM's embedded connectors are IAM permissions between resources: no effect in the box.
                if key.key == "Connectors" {
                    log.noEffect(
                        "Connectors of \(entry.key) (IAM permissions) have no effect in the box", group: "Connectors",
                        at: key.keyNode.mark)
                    continue
                }
                log.warn("unknown resource attribute \(quoted(key.key)) ignored", at: key.keyNode.mark)
            }
            guard let typeNode = body["Type"] else {
                throw TemplateError("resource \(entry.key) has no Type", at: entry.keyNode.mark)
            }
            guard let type = typeNode.scalar, typeNode.tag == nil else {
                throw TemplateError("Type of \(entry.key) must be a plain string", at: typeNode.mark)
            }
            let propertiesNode = body.optional("Properties") ?? YAMLNode(.mapping([]), mark: entry.value.mark)
            var condition: (String, YAMLMark)?
            if let conditionNode = body.optional("Condition") {
                guard let name = conditionNode.scalar, conditionNode.tag == nil else {
                    throw TemplateError("Condition of \(entry.key) must be a condition name", at: conditionNode.mark)
                }
                condition = (name, conditionNode.mark)
            }
            index[entry.key] = resources.count
            resources.append(
                Resource(
                    logicalID: entry.key, type: type, properties: try Self.reader(propertiesNode), body: body,
                    mark: entry.keyNode.mark, condition: condition, metadata: body.optional("Metadata")))
        }
        self.resources = resources
        resourcesByID = index
    }

    func resource(_ logicalID: String) -> Resource? {
        resourcesByID[logicalID].map { resources[$0] }
    }

    static func reader(_ node: YAMLNode) throws(TemplateError) -> YAMLMappingReader {
        do {
            return try node.mappingReader(nullIsEmpty: true)
        } catch {
            throw TemplateError(error)
        }
    }

    static let languageExtensions = "AWS::LanguageExtensions"

    /// Transforms other than SAM's warn. AWS::LanguageExtensions does not: what it adds is applied where esb needs
    /// it (`Fn::FindInMap` defaults, `Fn::Length`), refused where it names it (`Fn::ForEach`), a placeholder with its
    /// own warning (`Fn::ToJsonString`) or without effect in the box (intrinsics in `DeletionPolicy`).
    private static func checkTransform(_ node: YAMLNode, log: DiagnosticLog) {
        for item in node.sequence ?? [node] {
            guard let name = item.scalar, name != "AWS::Serverless-2016-10-31", name != languageExtensions else {
                continue
            }
            log.warn("transform \(quoted(name)) is not applied by esb", at: item.mark)
        }
    }
}
