import BoxCore

/// SAM's `EventInvokeConfig` as `functions.yml`'s asynchronous keys (docs/sam-support.md, docs/async-invocations.md):
/// `MaximumEventAgeInSeconds` → `event_max_age`, `MaximumRetryAttempts` → `event_retry_attempts`,
/// `DestinationConfig.OnFailure` of type `Lambda` → `on_failure` (the destination's function name).
struct EventInvokeSettings: Equatable {
    var maxEventAge: Int?
    var retryAttempts: Int?
    var onFailure: String?
}

extension FunctionReader {
    func readEventInvokeConfig() throws(TemplateError) -> EventInvokeSettings {
        var out = EventInvokeSettings()
        guard let config = try property("EventInvokeConfig") else { return out }
        for entry in try config.entries("EventInvokeConfig") {
            switch entry.key {
            case "MaximumEventAgeInSeconds":
                out.maxEventAge = try Self.bounded(entry, FunctionConfig.eventMaxAgeRange)
            case "MaximumRetryAttempts":
                out.retryAttempts = try Self.bounded(entry, FunctionConfig.eventRetryAttemptsRange)
            case "DestinationConfig":
                out.onFailure = try readDestinations(entry.value)
            default:
                context.log.warn("EventInvokeConfig.\(entry.key) is not supported by esb; ignored", at: entry.keyMark)
            }
        }
        return out
    }

    private static func bounded(_ entry: TemplateValue.Entry, _ range: ClosedRange<Int>) throws(TemplateError) -> Int {
        let n = try entry.value.int("EventInvokeConfig.\(entry.key)")
        guard range.contains(n) else {
            throw TemplateError(
                "EventInvokeConfig.\(entry.key) must be between \(range.lowerBound) and \(range.upperBound), found \(n)",
                at: entry.value.mark)
        }
        return n
    }

    /// The `OnFailure` function's name; other destinations warn (the box has no SQS, SNS or EventBridge).
    private func readDestinations(_ value: TemplateValue) throws(TemplateError) -> String? {
        var onFailure: String?
        for entry in try value.entries("EventInvokeConfig.DestinationConfig") {
            guard entry.key == "OnFailure" else {
                context.log.warn(
                    "EventInvokeConfig.DestinationConfig.\(entry.key) is not supported by esb (only OnFailure of type Lambda); ignored",
                    at: entry.keyMark)
                continue
            }
            let type = try entry.value["Type"]?.string("OnFailure.Type") ?? "Lambda"
            guard type == "Lambda" else {
                context.log.warn(
                    "OnFailure destination of type \(type) is not supported by esb (only Lambda); ignored",
                    at: entry.value.mark)
                continue
            }
            guard let destination = entry.value["Destination"] else {
                throw TemplateError("OnFailure of type Lambda needs a Destination", at: entry.value.mark)
            }
            let target = Self.functionName(fromDestination: try destination.string("OnFailure.Destination"))
            guard NameRules.isValidFunctionName(target) else {
                throw TemplateError(
                    "OnFailure.Destination \(quoted(target)) does not name a function", at: destination.mark)
            }
            onFailure = target
        }
        return onFailure
    }

    /// `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]` → `NAME`; a plain name stays.
    static func functionName(fromDestination text: String) -> String {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count >= 7, parts[0] == "arn", parts[5] == "function" { return String(parts[6]) }
        return text
    }
}
