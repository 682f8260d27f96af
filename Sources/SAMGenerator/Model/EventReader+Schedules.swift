import BoxCore
import YAML

/// One entry of `schedules.yml` (docs/sam-support.md, docs/async-invocations.md).
struct ScheduleSpec: Equatable {
    var name: String
    var function: String
    var expression: String
    /// JSON text, when the event gives `Input`.
    var input: String?
    var enabled: Bool
    var mark: YAMLMark
}

/// SAM `Schedule` (EventBridge rule) and `ScheduleV2` (EventBridge Scheduler) events of a function → schedules.
/// `rate(...)` and six-field `cron(...)` are checked with the gateway's own parser; `at(...)`, time zones other
/// than UTC and the delivery settings (dead-letter queue, retry policy, flexible window) warn.
extension EventReader {
    func schedule(_ key: String, type: String, _ properties: YAMLMappingReader, mark: YAMLMark)
        throws(TemplateError) -> ScheduleSpec?
    {
        let v2 = type == "ScheduleV2"
        context.warnUnsupported(
            properties,
            supported: v2
                ? ["ScheduleExpression", "Input", "State", "Name", "ScheduleExpressionTimezone"]
                : ["Schedule", "Input", "Enabled", "State", "Name"],
            silent: ["Description"], what: "\(type) event")
        let resolver = context.resolver
        let expressionKey = v2 ? "ScheduleExpression" : "Schedule"
        guard let expressionValue = try resolver.property(expressionKey, of: properties) else {
            throw TemplateError("\(type) event \(key) needs \(expressionKey)", at: mark)
        }
        let expression = try expressionValue.string(expressionKey)
        if expression.hasPrefix("at(") {
            context.log.warn(
                "one-time schedule \(expression) is not supported by the box; event \(key) ignored",
                at: expressionValue.mark)
            return nil
        }
        do {
            _ = try ScheduleExpression(parsing: expression)
        } catch {
            throw TemplateError("\(expressionKey) \(quoted(expression)): \(error.message)", at: expressionValue.mark)
        }
        if let zone = try resolver.property("ScheduleExpressionTimezone", of: properties) {
            let text = try zone.string("ScheduleExpressionTimezone")
            if text != "UTC" && text != "Etc/UTC" {
                context.log.warn(
                    "ScheduleExpressionTimezone \(text): the box evaluates schedules in UTC", at: zone.mark)
            }
        }
        var input: String?
        if let value = try resolver.property("Input", of: properties) {
            let text = try value.string("Input")
            guard (try? JSONValue(parsing: Array(text.utf8))) != nil else {
                throw TemplateError("Input must be JSON text", at: value.mark)
            }
            input = text
        }
        var enabled = true
        if let value = try resolver.property("Enabled", of: properties) { enabled = try value.bool("Enabled") }
        if let value = try resolver.property("State", of: properties) {
            // Any case: SAM's own examples write `State: Enabled`, and EventBridge takes it.
            switch try value.string("State").uppercased() {
            case "ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS": enabled = true
            case "DISABLED": enabled = false
            case let other:
                throw TemplateError("State must be ENABLED or DISABLED, found \(quoted(other))", at: value.mark)
            }
        }
        let name =
            try resolver.property("Name", of: properties)?.string("Name")
            ?? "\(functionName)-\(NameRules.kebabCase(key))"
        return ScheduleSpec(
            name: name, function: functionName, expression: expression, input: input, enabled: enabled, mark: mark)
    }
}
