import Foundation
import YAML

/// The fixed facts a template is resolved against: pseudo parameters and parameter values.
struct ResolutionSettings {
    var region: String
    var accountID: String
    var stackName: String
    var partition = "aws"
    var urlSuffix = "amazonaws.com"
}

/// Applies CloudFormation intrinsic functions (short `!Tag` and long `Fn::` forms) to template nodes.
///
/// One resolver serves one run: it caches condition results and resource names (both may refer to each other,
/// cycles are errors) and logs warnings for what it can only approximate. Not thread-safe; used by one task.
final class TemplateResolver {
    let template: SAMTemplate
    let settings: ResolutionSettings
    let log: DiagnosticLog
    /// Parameter values after defaults and overrides (CommaDelimitedList parameters are lists).
    let parameters: [String: TemplateValue]

    var conditionCache: [String: Bool?] = [:]
    var conditionsInProgress: Set<String> = []
    private var nameCache: [String: String] = [:]
    private var namesInProgress: Set<String> = []
    /// Resources whose name depends on a value the box cannot know (a parameter without a value): their name
    /// is not judged, the missing value is already an error.
    private(set) var unknownNames: Set<String> = []

    /// The property that names a resource of each type; without it the name is the logical id in kebab case.
    static let nameProperties: [String: String] = [
        "AWS::Serverless::Function": "FunctionName",
        "AWS::Lambda::Function": "FunctionName",
        "AWS::DynamoDB::Table": "TableName",
        "AWS::Serverless::SimpleTable": "TableName",
        "AWS::S3::Bucket": "BucketName",
        "AWS::Serverless::LayerVersion": "LayerName",
        "AWS::Lambda::LayerVersion": "LayerName",
    ]

    /// Parameters without a value, by where they are declared; those in `usedMissingParameters` were needed.
    let missingParameters: [String: YAMLMark]
    private(set) var usedMissingParameters: Set<String> = []

    init(
        template: SAMTemplate, settings: ResolutionSettings, parameters: TemplateParameters.Values,
        log: DiagnosticLog
    ) {
        self.template = template
        self.settings = settings
        self.parameters = parameters.values
        self.missingParameters = parameters.missing
        self.log = log
    }

    /// Parameters without a value that nothing esb generates used: a warning each, at the parameter.
    func warnAboutUnusedMissingParameters() {
        for (name, mark) in missingParameters where !usedMissingParameters.contains(name) {
            log.warn(
                "parameter \(name) has no Default and no --param; nothing esb generates uses it, so it stays unset",
                at: mark)
        }
    }

    /// The first parameter without a value that `node` names itself (`Ref`, `${Name}` in `Fn::Sub` text),
    /// without resolving anything: for values esb reads only when they are known (an include's Location), so
    /// that such a parameter is not counted as needed.
    func missingParameter(in node: YAMLNode) -> String? {
        if let call = Intrinsic(node) {
            if call.name == "Ref", let name = call.argument.scalar, missingParameters[name] != nil { return name }
            if call.name == "Fn::Sub", let text = call.argument.scalar ?? call.argument.sequence?.first?.scalar {
                let named = missingParameters.keys.sorted().first { text.contains("${" + $0 + "}") }
                if let named { return named }
            }
        }
        switch node.content {
        case .scalar: return nil
        case .sequence(let items): return items.lazy.compactMap { self.missingParameter(in: $0) }.first
        case .mapping(let pairs): return pairs.lazy.compactMap { self.missingParameter(in: $0.value) }.first
        }
    }

    // MARK: Walking nodes

    /// The value of `node` with every intrinsic function applied.
    func resolve(_ node: YAMLNode) throws(TemplateError) -> TemplateValue {
        if let call = Intrinsic(node) { return try apply(call) }
        switch node.content {
        case .scalar(let text, _):
            if let tag = node.tag, !tag.hasPrefix("tag:yaml.org,2002:"), tag != "!" {
                log.warn("unknown tag \(tag) ignored (the value is read as written)", at: node.mark)
            }
            return node.isNull ? TemplateValue(kind: .null, mark: node.mark) : .string(text, at: node.mark)
        case .sequence(let items):
            var values: [TemplateValue] = []
            var known = true
            for item in items {
                let value = try resolve(item)
                if value.isNoValue { continue }
                known = known && value.isKnown
                values.append(value)
            }
            return TemplateValue(kind: .list(values), mark: node.mark, isKnown: known)
        case .mapping(let pairs):
            var entries: [TemplateValue.Entry] = []
            var known = true
            for pair in pairs {
                guard let key = pair.key.scalar, !pair.key.isNull else {
                    throw TemplateError("a mapping key must be a string", at: pair.key.mark)
                }
                if entries.contains(where: { $0.key == key }) {
                    throw TemplateError("duplicate key \(quoted(key))", at: pair.key.mark)
                }
                let value = try resolve(pair.value)
                if value.isNoValue { continue }
                known = known && value.isKnown
                entries.append(TemplateValue.Entry(key: key, keyMark: pair.key.mark, value: value))
            }
            return TemplateValue(kind: .map(entries), mark: node.mark, isKnown: known)
        }
    }

    /// The resolved value of a property, or nil when absent, null or AWS::NoValue.
    func property(_ key: String, of reader: YAMLMappingReader) throws(TemplateError) -> TemplateValue? {
        guard let node = reader[key] else { return nil }
        let value = try resolve(node)
        return value.isNoValue || value.isNull ? nil : value
    }

    // MARK: Ref

    /// `!Ref name`: a parameter, a pseudo parameter, or a resource.
    func ref(_ name: String, at mark: YAMLMark) throws(TemplateError) -> TemplateValue {
        if var value = parameters[name] {
            if let declared = missingParameters[name] {
                // Needed by something esb generates: the missing value is an error now, once, at the parameter.
                usedMissingParameters.insert(name)
                log.error(TemplateParameters.missingMessage(name), at: declared)
            }
            value.mark = mark
            return value
        }
        if let value = pseudoParameter(name, at: mark) { return value }
        if let resource = template.resource(name) {
            switch resource.type {
            case "AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion":
                return .string(try layerARN(name), at: mark)
            default:
                let boxName = try resourceName(name)
                return .string(awsShapedRef(type: resource.type, name: boxName) ?? boxName, at: mark)
            }
        }
        if let implicit = try implicitResource(name) { return .string(implicit.name, at: mark) }
        if let stage = try apiStageReference(name, at: mark) { return stage }
        throw TemplateError(
            "unresolved reference \(quoted(name)): no parameter, pseudo parameter or resource of that name"
                + (hashedStageHint(name) ?? ""), at: mark)
    }

    /// Resources SAM creates itself and templates refer to (docs/sam-support.md): `Fn.Alias` and `Fn.Version`
    /// (the box runs one version: the function's name), `FnRole` (the execution role SAM adds), `FnAlias<Name>`,
    /// and the implicit APIs `ServerlessRestApi` / `ServerlessHttpApi`. Nil when `name` is none of them.
    func implicitResource(_ name: String) throws(TemplateError) -> (name: String, type: String)? {
        func function(_ id: Substring) -> String? {
            guard let r = template.resource(String(id)), r.type == "AWS::Serverless::Function" else { return nil }
            return r.logicalID
        }
        switch name {
        case "ServerlessRestApi": return ("serverless-rest-api", "AWS::ApiGateway::RestApi")
        case "ServerlessHttpApi": return ("serverless-http-api", "AWS::ApiGatewayV2::Api")
        default: break
        }
        for suffix in [".Alias", ".Version"] where name.hasSuffix(suffix) {
            if let id = function(name.dropLast(suffix.count)) {
                return (try resourceName(id), "AWS::Lambda::" + suffix.dropFirst())
            }
        }
        if name.hasSuffix("Role"), let id = function(name.dropLast(4)) {
            return (try resourceName(id) + "-role", "AWS::IAM::Role")
        }
        if let range = name.range(of: "Alias", options: .backwards), let id = function(name[..<range.lowerBound]),
            template.resource(id)?.properties["AutoPublishAlias"] != nil
        {
            return (try resourceName(id), "AWS::Lambda::Alias")
        }
        return eventResource(name)
    }

    /// The resource SAM makes for a function's event, `<Function><EventKey>` (an EventBridge rule for
    /// `Schedule`, an event source mapping for `SQS`...): public templates pass `!Ref FnEvent` (the rule's name)
    /// to their functions. Its box name is the kebab logical id, as for other resources the box does not create.
    private func eventResource(_ name: String) -> (name: String, type: String)? {
        for function in template.resources where function.type == "AWS::Serverless::Function" {
            guard name.hasPrefix(function.logicalID), let events = function.properties["Events"]?.mapping else {
                continue
            }
            let key = name.dropFirst(function.logicalID.count)
            guard let event = events.first(where: { $0.key.scalar.map { $0 == key } ?? false }),
                let type = event.value["Type"]?.scalar, let made = Self.eventResourceTypes[type]
            else { continue }
            return (NameRules.kebabCase(name), made)
        }
        return nil
    }

    /// Event source type → the resource type SAM generates under `<Function><EventKey>`.
    static let eventResourceTypes: [String: String] = [
        "Schedule": "AWS::Events::Rule", "CloudWatchEvent": "AWS::Events::Rule", "EventBridgeRule": "AWS::Events::Rule",
        "ScheduleV2": "AWS::Scheduler::Schedule", "SNS": "AWS::SNS::Subscription", "IoTRule": "AWS::IoT::TopicRule",
        "CloudWatchLogs": "AWS::Logs::SubscriptionFilter", "SQS": "AWS::Lambda::EventSourceMapping",
        "Kinesis": "AWS::Lambda::EventSourceMapping", "DynamoDB": "AWS::Lambda::EventSourceMapping",
        "MSK": "AWS::Lambda::EventSourceMapping", "MQ": "AWS::Lambda::EventSourceMapping",
        "SelfManagedKafka": "AWS::Lambda::EventSourceMapping", "DocumentDB": "AWS::Lambda::EventSourceMapping",
    ]

    func pseudoParameter(_ name: String, at mark: YAMLMark) -> TemplateValue? {
        let s = settings
        switch name {
        case "AWS::Region": return .string(s.region, at: mark)
        case "AWS::AccountId": return .string(s.accountID, at: mark)
        case "AWS::StackName": return .string(s.stackName, at: mark)
        case "AWS::Partition": return .string(s.partition, at: mark)
        case "AWS::URLSuffix": return .string(s.urlSuffix, at: mark)
        case "AWS::NoValue": return TemplateValue(kind: .noValue, mark: mark)
        case "AWS::StackId":
            return .string(
                "arn:\(s.partition):cloudformation:\(s.region):\(s.accountID):stack/\(s.stackName)/00000000-0000-0000-0000-000000000000",
                at: mark)
        case "AWS::NotificationARNs": return TemplateValue(kind: .list([]), mark: mark)
        default: return nil
        }
    }

    // MARK: Resource names

    /// The name a resource gets in the box: its name property after substitution, else its logical id in
    /// lower kebab case.
    func resourceName(_ logicalID: String) throws(TemplateError) -> String {
        if let name = nameCache[logicalID] { return name }
        guard let resource = template.resource(logicalID) else {
            throw TemplateError("unknown resource \(quoted(logicalID))", at: .start)
        }
        guard namesInProgress.insert(logicalID).inserted else {
            throw TemplateError("the name of \(logicalID) depends on itself", at: resource.mark)
        }
        defer { namesInProgress.remove(logicalID) }
        var name = NameRules.kebabCase(logicalID)
        if let property = Self.nameProperties[resource.type] ?? Self.otherNameProperties[resource.type],
            let value = try self.property(property, of: resource.properties)
        {
            name = try value.string(property)
            if !value.isKnown { unknownNames.insert(logicalID) }
        }
        nameCache[logicalID] = name
        return name
    }

    func layerARN(_ logicalID: String) throws(TemplateError) -> String {
        "arn:\(settings.partition):lambda:\(settings.region):\(settings.accountID):layer:\(try resourceName(logicalID)):1"
    }
}

/// An intrinsic function call found in a node: `!Sub x` or `{"Fn::Sub": x}` (and `Ref`).
struct Intrinsic {
    /// The long name: `Ref`, `Condition` or `Fn::Name`.
    var name: String
    /// The argument node, without the short form's tag.
    var argument: YAMLNode
    var mark: YAMLMark
}

extension Intrinsic {
    init?(_ node: YAMLNode) {
        if let tag = node.tag, tag.hasPrefix("!"), tag.count > 1, !tag.hasPrefix("!!") {
            let short = String(tag.dropFirst())
            name = short == "Ref" || short == "Condition" ? short : "Fn::" + short
            argument = node
            argument.tag = nil
            mark = node.mark
            return
        }
        guard node.tag == nil, let pairs = node.mapping, pairs.count == 1, let key = pairs[0].key.scalar,
            key == "Ref" || key.hasPrefix("Fn::")
        else { return nil }
        name = key
        argument = pairs[0].value
        mark = node.mark
    }
}
