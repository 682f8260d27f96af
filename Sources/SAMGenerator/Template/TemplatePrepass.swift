import YAML

/// A walk over the parsed template before anything reads it:
/// - a key written twice in one mapping keeps its last value, as CloudFormation does, with a located warning
///   (the YAML module keeps duplicates so that the daemons' config files can refuse them);
/// - `Fn::ForEach::` loops (the AWS::LanguageExtensions transform) and `Fn::Transform` (AWS::Include, macros)
///   are errors that name the construct: they insert or repeat template text that esb cannot produce, and
///   reading on would only report shape errors about them. They are removed so that nothing else trips on them.
///   A `{Fn::Transform: ...}` mapping that stands for a value is kept: the resolver refuses it where its value is
///   used, and an API's `DefinitionBody` may include a local OpenAPI file (docs/sam-support.md).
enum TemplatePrepass {
    static let transformMessage =
        "Fn::Transform (AWS::Include or a macro) inserts text that only CloudFormation can fetch; esb cannot apply it: inline the included snippet"

    static func apply(to node: inout YAMLNode, log: DiagnosticLog) {
        switch node.content {
        case .scalar:
            return
        case .sequence(var items):
            for i in items.indices { apply(to: &items[i], log: log) }
            node.content = .sequence(items)
        case .mapping(let pairs):
            var kept: [YAMLPair] = []
            var positions: [String: Int] = [:]
            for var pair in pairs {
                apply(to: &pair.value, log: log)
                guard let key = pair.key.scalar, pair.key.tag == nil else {
                    kept.append(pair)
                    continue
                }
                if key.hasPrefix("Fn::ForEach::") {
                    log.error(
                        "\(key): Fn::ForEach (the AWS::LanguageExtensions transform) is not supported by esb; write the repeated resources out",
                        at: pair.key.mark)
                    continue
                }
                if key == "Fn::Transform" {
                    // `{Fn::Transform: ...}` as a value stays: it is an error only where its value is needed
                    // (TemplateResolver), so an include in an API's DefinitionBody does not stop the run.
                    guard pairs.count == 1 else {
                        log.error(TemplatePrepass.transformMessage, at: pair.key.mark)
                        continue
                    }
                }
                if let first = positions[key] {
                    let earlier = kept[first].key.mark
                    log.warn(
                        "duplicate key \(quoted(key)) (first at line \(earlier.line)); the last one is used, as CloudFormation does",
                        at: pair.key.mark)
                    kept[first] = pair
                    continue
                }
                positions[key] = kept.count
                kept.append(pair)
            }
            node.content = .mapping(kept)
        }
    }
}
