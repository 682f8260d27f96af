import YAML

/// Decodes `functions.yml` into a `FunctionsConfig`, collecting every problem with its position.
struct FunctionsConfigDecoder {
    static let settingKeys: Set<String> = [
        "image", "environment", "timeout", "memory_size", "max_concurrency", "min_warm", "rie_concurrency", "runtime",
        "handler", "event_max_age", "event_retry_attempts", "on_failure",
    ]

    private var context: ConfigDecoding

    init(path: String, environment: [String: String]) {
        context = ConfigDecoding(path: path, environment: environment)
    }

    mutating func decode(_ text: String) throws(ConfigError) -> FunctionsConfig {
        let root = try context.root(of: text)
        let top = try context.topMapping(root, allowed: ["defaults", "functions"])

        // `defaults` over the box's fallbacks, then each function's own settings over that. An empty image means
        // "not set" (a written empty image is an error, and any error fails the whole load).
        var defaults = FunctionConfig(name: "", image: "")
        if let node = top["defaults"] { _ = apply(node, what: "defaults", to: &defaults) }

        var functions: [FunctionConfig] = []
        if let node = top["functions"],
            let list = context.attempt("functions", { try node.mappingReader(nullIsEmpty: true) })
        {
            for entry in list.entries {
                guard FunctionConfig.isValidName(entry.key) else {
                    context.error(
                        "invalid function name \(Self.quote(entry.key)): \(FunctionConfig.nameRule)",
                        at: entry.keyNode.mark)
                    continue
                }
                var f = defaults
                f.name = entry.key
                let own = apply(entry.value, what: "function \(Self.quote(entry.key))", to: &f)
                if f.image.isEmpty { f.image = "\(entry.key.lowercased()):latest" }
                if f.minWarm > f.maxConcurrency {
                    context.error(
                        "function \(Self.quote(f.name)): min_warm (\(f.minWarm)\(own.minWarm == nil ? " from defaults" : "")) must not exceed max_concurrency (\(f.maxConcurrency))",
                        at: own.mark ?? entry.keyNode.mark)
                    continue
                }
                functions.append(f)
            }
        }
        try context.throwIfFailed()
        return FunctionsConfig(path: context.path, functions: functions)
    }

    /// Applies one settings block (a function body or `defaults`) to `s`, a wrong value leaving `s` as it was; null
    /// means "nothing set". Returns the block's own valid `min_warm` and where it wrote `min_warm`, if it did.
    private mutating func apply(_ node: YAMLNode, what: String, to s: inout FunctionConfig) -> (
        minWarm: Int?, mark: YAMLMark?
    ) {
        var own: (minWarm: Int?, mark: YAMLMark?) = (nil, nil)
        guard let m = context.attempt(what, { try node.mappingReader(nullIsEmpty: true) })
        else { return own }
        _ = context.attempt { try m.rejectUnknownKeys(allowed: Self.settingKeys) }
        for entry in m.entries {
            let v = entry.value
            switch entry.key {
            case "image":
                guard let image = context.attempt("image", { try v.string() }) else { break }
                s.image = image
                if image.isEmpty || image.contains(where: \.isWhitespace) {
                    context.error("image must be a non-empty image reference without spaces", at: v.mark)
                }
            case "environment":
                s.environment.merge(environment(v)) { _, own in own }
            case "timeout":
                guard let t = context.attempt("timeout", { try v.double() }) else { break }
                if !(t > 0 && t.isFinite) {
                    context.error("timeout must be a number of seconds greater than 0", at: v.mark)
                } else if t > FunctionConfig.maximumTimeout {
                    // Lambda's limit; a huge value used to trap when it became a Duration (docs/configuration.md).
                    context.error(
                        "timeout must be at most \(Int(FunctionConfig.maximumTimeout)) seconds, found \(v.scalar ?? String(t))",
                        at: v.mark)
                } else {
                    s.timeout = t
                }
            case "memory_size":
                s.memorySize =
                    integer(
                        v, key: "memory_size", minimum: FunctionConfig.minimumMemorySize,
                        maximum: FunctionConfig.maximumMemorySize, unit: " (MB)") ?? s.memorySize
            case "max_concurrency":
                s.maxConcurrency = integer(v, key: "max_concurrency", minimum: 1) ?? s.maxConcurrency
            case "min_warm":
                own = (integer(v, key: "min_warm", minimum: 0), v.mark)
                s.minWarm = own.minWarm ?? s.minWarm
            case "rie_concurrency":
                s.rieConcurrency = integer(v, key: "rie_concurrency", minimum: 1) ?? s.rieConcurrency
            case "runtime":
                s.runtime = (context.attempt("runtime", { try v.optionalString() }) ?? nil) ?? s.runtime
            case "handler":
                s.handler = (context.attempt("handler", { try v.optionalString() }) ?? nil) ?? s.handler
            case "event_max_age":
                s.eventMaxAge =
                    integer(v, key: "event_max_age", range: FunctionConfig.eventMaxAgeRange, unit: " (seconds)")
                    ?? s.eventMaxAge
            case "event_retry_attempts":
                s.eventRetryAttempts =
                    integer(v, key: "event_retry_attempts", range: FunctionConfig.eventRetryAttemptsRange)
                    ?? s.eventRetryAttempts
            case "on_failure":
                guard let target = context.attempt("on_failure", { try v.optionalString() }) ?? nil else { break }
                if FunctionConfig.isValidName(target) {
                    s.onFailure = target
                } else {
                    context.error("on_failure must name a function, found \(Self.quote(target))", at: v.mark)
                }
            default:
                break  // reported by rejectUnknownKeys
            }
        }
        return own
    }

    private mutating func integer(
        _ v: YAMLNode, key: String, minimum: Int, maximum: Int? = nil, unit: String = ""
    ) -> Int? {
        guard let n = context.attempt(key, { try v.int() }) else { return nil }
        if n < minimum {
            context.error("\(key) must be at least \(minimum)\(unit), found \(n)", at: v.mark)
            return nil
        }
        if let maximum, n > maximum {
            context.error("\(key) must be at most \(maximum)\(unit), found \(n)", at: v.mark)
            return nil
        }
        return n
    }

    private mutating func integer(_ v: YAMLNode, key: String, range: ClosedRange<Int>, unit: String = "") -> Int? {
        guard let n = context.attempt(key, { try v.int() }) else { return nil }
        guard range.contains(n) else {
            context.error("\(key) must be \(range.lowerBound) to \(range.upperBound)\(unit), found \(n)", at: v.mark)
            return nil
        }
        return n
    }

    /// An environment block: a mapping of variable names to scalar values (numbers and booleans keep their text).
    private mutating func environment(_ node: YAMLNode) -> [String: String] {
        guard let m = context.attempt("environment", { try node.mappingReader(nullIsEmpty: true) })
        else { return [:] }
        var env: [String: String] = [:]
        for entry in m.entries {
            guard FunctionConfig.isValidEnvironmentName(entry.key) else {
                context.error(
                    "invalid environment variable name \(Self.quote(entry.key)): use letters, digits and '_', not starting with a digit",
                    at: entry.keyNode.mark)
                continue
            }
            if let value = context.attempt(entry.key, { try entry.value.string() }) {
                env[entry.key] = value
            }
        }
        return env
    }

    private static func quote(_ s: String) -> String { "\"\(s)\"" }
}
