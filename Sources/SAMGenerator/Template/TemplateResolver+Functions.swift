import Foundation
import BoxCrypto
import YAML

/// The intrinsic functions that produce values (conditions are in `TemplateResolver+Conditions.swift`).
extension TemplateResolver {
    func apply(_ call: Intrinsic) throws(TemplateError) -> TemplateValue {
        switch call.name {
        case "Ref":
            guard let name = call.argument.scalar, call.argument.tag == nil, !call.argument.isNull else {
                throw TemplateError("Ref takes the name of a parameter or resource", at: call.argument.mark)
            }
            return try ref(name, at: call.mark)
        case "Fn::Sub": return try sub(call)
        case "Fn::GetAtt": return try getAtt(call)
        case "Fn::Join": return try join(call)
        case "Fn::Select": return try select(call)
        case "Fn::Split": return try split(call)
        case "Fn::FindInMap": return try findInMap(call)
        case "Fn::Length" where template.languageExtensions: return try length(call)
        case "Fn::If": return try ifThenElse(call)
        case "Fn::ImportValue":
            let name = try resolve(call.argument).string("Fn::ImportValue's export name")
            log.warn(
                "!ImportValue \(name) cannot be resolved outside CloudFormation; kept as a placeholder", at: call.mark)
            return .string("<ImportValue:\(name)>", at: call.mark, known: false)
        case "Fn::Base64":
            let text = try resolve(call.argument).string("Fn::Base64's argument")
            return .string(Base64.encode(Array(text.utf8)), at: call.mark)
        case "Fn::GetAZs":
            let r = settings.region
            return TemplateValue(kind: .list(["a", "b", "c"].map { .string(r + $0, at: call.mark) }), mark: call.mark)
        case "Fn::Transform":
            throw TemplateError(TemplatePrepass.transformMessage, at: call.mark)
        case "Fn::ForEach":
            throw TemplateError(
                "\(call.name) is applied by CloudFormation transforms, which esb cannot run", at: call.mark)
        case "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition":
            throw TemplateError("\(call.name) is only allowed in Conditions and Fn::If conditions", at: call.mark)
        default:
            log.warn("intrinsic function \(call.name) is not supported; kept as a placeholder", at: call.mark)
            return .string("<\(call.name)>", at: call.mark, known: false)
        }
    }

    /// The items of a function's list argument, checking their number.
    func arguments(_ call: Intrinsic, count: ClosedRange<Int>, shape: String) throws(TemplateError) -> [YAMLNode] {
        guard let items = call.argument.sequence, Intrinsic(call.argument) == nil, count.contains(items.count) else {
            throw TemplateError("\(call.name) takes \(shape)", at: call.argument.mark)
        }
        return items
    }

    // MARK: Fn::Sub

    private func sub(_ call: Intrinsic) throws(TemplateError) -> TemplateValue {
        var variables: [String: TemplateValue] = [:]
        let templateNode: YAMLNode
        if call.argument.sequence != nil {
            let items = try arguments(call, count: 2...2, shape: "a string, or [string, {variables}]")
            templateNode = items[0]
            for entry in try resolve(items[1]).entries("Fn::Sub's variables") {
                variables[entry.key] = entry.value
            }
        } else {
            templateNode = call.argument
        }
        guard let text = templateNode.scalar, templateNode.tag == nil, !templateNode.isNull else {
            throw TemplateError("Fn::Sub's template must be a string", at: templateNode.mark)
        }
        var output = ""
        var known = true
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            output += rest[..<open.lowerBound]
            rest = rest[open.upperBound...]
            if rest.first == "!" {
                // ${!Literal} writes ${Literal}.
                output += "${"
                rest = rest.dropFirst()
                continue
            }
            guard let close = rest.firstIndex(of: "}") else {
                output += "${"
                break
            }
            let name = String(rest[..<close])
            rest = rest[rest.index(after: close)...]
            let value = try substitution(name, variables: variables, at: templateNode.mark)
            known = known && value.isKnown
            guard case .string(let piece) = value.kind else {
                throw TemplateError(
                    "${\(name)} in Fn::Sub is \(value.kindDescription), not a string", at: templateNode.mark)
            }
            output += piece
        }
        output += rest
        return .string(output, at: call.mark, known: known)
    }

    private func substitution(
        _ name: String, variables: [String: TemplateValue], at mark: YAMLMark
    ) throws(TemplateError) -> TemplateValue {
        if let value = variables[name] { return value }
        if !name.hasPrefix("AWS::"), let dot = name.firstIndex(of: ".") {
            let id = String(name[..<dot])
            if template.resource(id) != nil {
                return try attribute(of: id, String(name[name.index(after: dot)...]), at: mark)
            }
        }
        return try ref(name, at: mark)
    }

    // MARK: Fn::GetAtt

    private func getAtt(_ call: Intrinsic) throws(TemplateError) -> TemplateValue {
        if let text = call.argument.scalar, call.argument.tag == nil, let dot = text.firstIndex(of: ".") {
            return try attribute(of: String(text[..<dot]), String(text[text.index(after: dot)...]), at: call.mark)
        }
        let items = try arguments(call, count: 2...2, shape: "\"Resource.Attribute\" or [Resource, Attribute]")
        guard let id = items[0].scalar, items[0].tag == nil else {
            throw TemplateError("Fn::GetAtt's resource must be a logical id", at: items[0].mark)
        }
        let attribute = try resolve(items[1]).string("Fn::GetAtt's attribute name")
        return try self.attribute(of: id, attribute, at: call.mark)
    }

    /// Best effort: ARNs and S3 domain names are synthesised from the resource's name; anything else is a
    /// placeholder with a warning.
    func attribute(of logicalID: String, _ attribute: String, at mark: YAMLMark) throws(TemplateError) -> TemplateValue
    {
        // `${MyApi.Stage}`, `${MyApi.Deployment}`: SAM's references to the stage and deployment it generates.
        if let value = try apiAttribute(of: logicalID, attribute, at: mark) { return value }
        guard let resource = template.resource(logicalID) else {
            if let implicit = try implicitResource(logicalID) {
                if attribute == "Arn", implicit.type == "AWS::IAM::Role" {
                    return .string(
                        "arn:\(settings.partition):iam::\(settings.accountID):role/\(implicit.name)", at: mark)
                }
                if attribute == "RootResourceId" || attribute == "ApiEndpoint" || attribute == "ApiId" {
                    return .string(implicit.name, at: mark)
                }
                if let shaped = awsShapedAttribute(type: implicit.type, attribute, name: implicit.name) {
                    return .string(shaped, at: mark)
                }
            }
            throw TemplateError("Fn::GetAtt refers to unknown resource \(quoted(logicalID))", at: mark)
        }
        let name = try resourceName(logicalID)
        let s = settings
        let scope = "\(s.region):\(s.accountID)"
        let value: String?
        switch (resource.type, attribute) {
        case ("AWS::Serverless::Function", "Arn"), ("AWS::Lambda::Function", "Arn"):
            value = "arn:\(s.partition):lambda:\(scope):function:\(name)"
        case ("AWS::DynamoDB::Table", "Arn"), ("AWS::Serverless::SimpleTable", "Arn"):
            value = "arn:\(s.partition):dynamodb:\(scope):table/\(name)"
        case ("AWS::DynamoDB::Table", "StreamArn"):
            value = "arn:\(s.partition):dynamodb:\(scope):table/\(name)/stream/1970-01-01T00:00:00.000"
        case ("AWS::S3::Bucket", "Arn"): value = "arn:\(s.partition):s3:::\(name)"
        case ("AWS::S3::Bucket", "DomainName"): value = "\(name).s3.\(s.urlSuffix)"
        case ("AWS::S3::Bucket", "RegionalDomainName"): value = "\(name).s3.\(s.region).\(s.urlSuffix)"
        case ("AWS::Serverless::LayerVersion", "Arn"), ("AWS::Lambda::LayerVersion", "Arn"):
            value = try layerARN(logicalID)
        case ("AWS::IAM::Role", "Arn"): value = "arn:\(s.partition):iam::\(s.accountID):role/\(name)"
        case ("AWS::Serverless::Function", "Alias"), ("AWS::Serverless::Function", "Version"):
            // `${Fn.Alias}` / `${Fn.Version}` in Fn::Sub: the box runs one version, under the function's name.
            value = name
        case let (type, attribute) where awsShapedAttribute(type: type, attribute, name: name) != nil:
            value = awsShapedAttribute(type: type, attribute, name: name)
        case (_, "Arn"):
            let parts = resource.type.split(separator: ":", omittingEmptySubsequences: true)
            let service = parts.count >= 2 ? parts[1].lowercased() : "unknown"
            value = "arn:\(s.partition):\(service):\(scope):\(name)"
        default: value = nil
        }
        if let value { return .string(value, at: mark) }
        log.warn("attribute \(logicalID).\(attribute) has no value outside AWS; kept as a placeholder", at: mark)
        return .string("<GetAtt:\(logicalID).\(attribute)>", at: mark, known: false)
    }

    // MARK: Lists and maps

    private func join(_ call: Intrinsic) throws(TemplateError) -> TemplateValue {
        let items = try arguments(call, count: 2...2, shape: "[delimiter, [values]]")
        let delimiter = try resolve(items[0]).string("Fn::Join's delimiter")
        let list = try resolve(items[1])
        if !list.isKnown, case .string = list.kind { return .string("<Join>", at: call.mark, known: false) }
        var pieces: [String] = []
        var known = list.isKnown
        for item in try list.list("Fn::Join's values") {
            pieces.append(try item.string("a value joined by Fn::Join"))
            known = known && item.isKnown
        }
        return .string(pieces.joined(separator: delimiter), at: call.mark, known: known)
    }

    private func select(_ call: Intrinsic) throws(TemplateError) -> TemplateValue {
        let items = try arguments(call, count: 2...2, shape: "[index, [values]]")
        let index = try resolve(items[0]).int("Fn::Select's index")
        let values = try resolve(items[1])
        // Made from a value only AWS knows (a placeholder for `!GetAtt Endpoint.DnsEntries`, split or not): its
        // shape is unknown too, so the pick is a placeholder, not an error (the placeholder is warned already).
        if !values.isKnown, (try? values.list("")).map({ !$0.indices.contains(index) }) ?? true {
            return .string("<Select>", at: call.mark, known: false)
        }
        let list = try values.list("Fn::Select's values")
        guard list.indices.contains(index) else {
            throw TemplateError(
                "Fn::Select index \(index) is out of range (the list has \(list.count) items)", at: items[0].mark)
        }
        return list[index]
    }

    private func split(_ call: Intrinsic) throws(TemplateError) -> TemplateValue {
        let items = try arguments(call, count: 2...2, shape: "[delimiter, string]")
        let delimiter = try resolve(items[0]).string("Fn::Split's delimiter")
        let source = try resolve(items[1])
        let text = try source.string("Fn::Split's source")
        guard !delimiter.isEmpty else { throw TemplateError("Fn::Split's delimiter is empty", at: items[0].mark) }
        let parts = text.components(separatedBy: delimiter).map {
            TemplateValue.string($0, at: call.mark, known: source.isKnown)
        }
        return TemplateValue(kind: .list(parts), mark: call.mark, isKnown: source.isKnown)
    }

    /// `[MapName, TopLevelKey, SecondLevelKey]`; with AWS::LanguageExtensions also a fourth `{DefaultValue: value}`,
    /// the value when a key is missing from the mapping (the mapping itself must exist, as AWS documents it).
    private func findInMap(_ call: Intrinsic) throws(TemplateError) -> TemplateValue {
        let shape = "[MapName, TopLevelKey, SecondLevelKey]"
        let items: [YAMLNode]
        if template.languageExtensions {
            items = try arguments(
                call, count: 3...4, shape: shape + " or [MapName, TopLevelKey, SecondLevelKey, {DefaultValue: value}]")
        } else if call.argument.sequence?.count == 4, Intrinsic(call.argument) == nil {
            throw TemplateError(
                "Fn::FindInMap takes \(shape); a fourth item {DefaultValue: ...} needs Transform AWS::LanguageExtensions",
                at: call.argument.mark)
        } else {
            items = try arguments(call, count: 3...3, shape: shape)
        }
        var defaultValue: YAMLNode?
        if items.count == 4 {
            guard Intrinsic(items[3]) == nil, items[3].mapping?.count == 1, let node = items[3]["DefaultValue"] else {
                throw TemplateError("Fn::FindInMap's fourth item must be {DefaultValue: value}", at: items[3].mark)
            }
            defaultValue = node
        }
        let values = [try resolve(items[0]), try resolve(items[1]), try resolve(items[2])]
        // A key the box cannot know (a parameter without a value, already an error): no second error about it.
        guard values.allSatisfy(\.isKnown) else { return .string("<FindInMap>", at: call.mark, known: false) }
        let keys = [
            try values[0].string("Fn::FindInMap's map name"),
            try values[1].string("Fn::FindInMap's top-level key"),
            try values[2].string("Fn::FindInMap's second-level key"),
        ]
        guard let mappings = template.mappings, let map = mappings[keys[0]] else {
            throw TemplateError("Fn::FindInMap: no mapping \(quoted(keys[0])) in Mappings", at: items[0].mark)
        }
        let top = try SAMTemplate.reader(map)[keys[1]]
        let found = try top.flatMap { n throws(TemplateError) in try SAMTemplate.reader(n)[keys[2]] }
        guard let value = found ?? defaultValue else {
            if top == nil {
                throw TemplateError(
                    "Fn::FindInMap: mapping \(keys[0]) has no key \(quoted(keys[1]))", at: items[1].mark)
            }
            throw TemplateError("Fn::FindInMap: \(keys[0]).\(keys[1]) has no key \(quoted(keys[2]))", at: items[2].mark)
        }
        var resolved = try resolve(value)
        resolved.mark = call.mark
        return resolved
    }

    /// `Fn::Length` (AWS::LanguageExtensions): the number of items of a list (written, or made by an intrinsic
    /// function such as `Fn::Split` or a `CommaDelimitedList` parameter), as text like every number.
    private func length(_ call: Intrinsic) throws(TemplateError) -> TemplateValue {
        let value = try resolve(call.argument)
        // Made from a value only AWS knows: its length is unknown too (the placeholder is warned already).
        guard value.isKnown else { return .string("<Fn::Length>", at: call.mark, known: false) }
        return .string(String(try value.list("Fn::Length's argument").count), at: call.mark)
    }

    private func ifThenElse(_ call: Intrinsic) throws(TemplateError) -> TemplateValue {
        let items = try arguments(call, count: 3...3, shape: "[ConditionName, valueIfTrue, valueIfFalse]")
        guard let name = items[0].scalar, items[0].tag == nil else {
            throw TemplateError("Fn::If's first item must be a condition name", at: items[0].mark)
        }
        var decided = try condition(named: name, at: items[0].mark)
        if decided == nil {
            log.warn("condition \(name) cannot be decided here; Fn::If takes its false branch", at: call.mark)
            decided = false
        }
        return try resolve(decided == true ? items[1] : items[2])
    }
}
