import YAML

/// `Conditions`: `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not` and `Condition`, in three-valued logic: a
/// condition that depends on a value the box cannot know (an `!ImportValue`) is undecided (nil).
extension TemplateResolver {
    /// The value of the named condition (cached; a condition that depends on itself is an error).
    func condition(named name: String, at mark: YAMLMark) throws(TemplateError) -> Bool? {
        if let cached = conditionCache[name] { return cached }
        guard let node = template.conditions?[name] else {
            throw TemplateError("unknown condition \(quoted(name))", at: mark)
        }
        guard conditionsInProgress.insert(name).inserted else {
            throw TemplateError("condition \(name) depends on itself", at: mark)
        }
        defer { conditionsInProgress.remove(name) }
        let value = try evaluateCondition(node)
        conditionCache[name] = value
        return value
    }

    /// Whether a resource with `Condition: name` exists in this deployment (undecided counts as present, with
    /// a warning: dropping a function silently would be worse).
    func includes(_ resource: SAMTemplate.Resource) throws(TemplateError) -> Bool {
        guard let (name, mark) = resource.condition else { return true }
        if let value = try condition(named: name, at: mark) { return value }
        log.warn("condition \(name) cannot be decided here; \(resource.logicalID) is included", at: mark)
        return true
    }

    func evaluateCondition(_ node: YAMLNode) throws(TemplateError) -> Bool? {
        let call: Intrinsic
        if let pairs = node.mapping, node.tag == nil, pairs.count == 1, pairs[0].key.scalar == "Condition" {
            call = Intrinsic(name: "Condition", argument: pairs[0].value, mark: node.mark)
        } else if let found = Intrinsic(node) {
            call = found
        } else {
            throw TemplateError("a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition", at: node.mark)
        }
        switch call.name {
        case "Condition":
            guard let name = call.argument.scalar, call.argument.tag == nil else {
                throw TemplateError("Condition takes a condition name", at: call.argument.mark)
            }
            return try condition(named: name, at: call.argument.mark)
        case "Fn::Equals":
            let items = try arguments(call, count: 2...2, shape: "[value, value]")
            let a = try resolve(items[0])
            let b = try resolve(items[1])
            guard a.isKnown, b.isKnown else { return nil }
            return Self.comparable(a) == Self.comparable(b)
        case "Fn::And", "Fn::Or":
            let items = try arguments(call, count: 2...10, shape: "a list of 2 to 10 conditions")
            var undecided = false
            for item in items {
                switch try evaluateCondition(item) {
                case true?: if call.name == "Fn::Or" { return true }
                case false?: if call.name == "Fn::And" { return false }
                case nil: undecided = true
                }
            }
            return undecided ? nil : call.name == "Fn::And"
        case "Fn::Not":
            let items = try arguments(call, count: 1...1, shape: "a list of one condition")
            return try evaluateCondition(items[0]).map { !$0 }
        default:
            throw TemplateError("\(call.name) cannot be used as a condition", at: call.mark)
        }
    }

    /// What Fn::Equals compares: the text of scalars, item by item for lists (positions do not count).
    private static func comparable(_ value: TemplateValue) -> [String?] {
        switch value.kind {
        case .string(let text): [text]
        case .null, .noValue: [nil]
        case .list(let items): items.flatMap(comparable)
        case .map(let entries): entries.flatMap { [$0.key] + comparable($0.value) }
        }
    }
}
