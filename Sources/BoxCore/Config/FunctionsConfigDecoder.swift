import YAML

/// Decodes `functions.yml` into a `FunctionsConfig`, collecting every problem with its position.
struct FunctionsConfigDecoder {
    /// Settings as written in `defaults` or in one function: everything optional, with positions for messages.
    private struct Settings {
        var image: String?
        var environment: [String: String] = [:]
        var timeout: Double?
        var memorySize: Int?
        var maxConcurrency: Int?
        var minWarm: Int?
        var minWarmMark: YAMLMark?
        var rieConcurrency: Int?
        var runtime: String?
        var handler: String?
        var eventMaxAge: Int?
        var eventRetryAttempts: Int?
        var onFailure: String?
    }

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

        var defaults = Settings()
        if let node = top["defaults"] { defaults = settings(node, what: "defaults") }

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
                let own = settings(entry.value, what: "function \(Self.quote(entry.key))")
                if let f = resolve(name: entry.key, own: own, defaults: defaults, at: entry.keyNode.mark) {
                    functions.append(f)
                }
            }
        }
        try context.throwIfFailed()
        return FunctionsConfig(path: context.path, functions: functions)
    }

    /// Reads one settings block (a function body or `defaults`); null means "nothing set".
    private mutating func settings(_ node: YAMLNode, what: String) -> Settings {
        var s = Settings()
        guard let m = context.attempt(what, { try node.mappingReader(nullIsEmpty: true) })
        else { return s }
        _ = context.attempt { try m.rejectUnknownKeys(allowed: Self.settingKeys) }
        for entry in m.entries {
            let v = entry.value
            switch entry.key {
            case "image":
                s.image = context.attempt("image", { try v.string() })
                if s.image?.isEmpty == true || s.image?.contains(where: \.isWhitespace) == true {
                    context.error("image must be a non-empty image reference without spaces", at: v.mark)
                }
            case "environment":
                s.environment = environment(v)
            case "timeout":
                s.timeout = context.attempt("timeout", { try v.double() })
                if let t = s.timeout, !(t > 0 && t.isFinite) {
                    context.error("timeout must be a number of seconds greater than 0", at: v.mark)
                    s.timeout = nil
                } else if let t = s.timeout, t > FunctionConfig.maximumTimeout {
                    // Lambda's limit; a huge value used to trap when it became a Duration (docs/configuration.md).
                    context.error(
                        "timeout must be at most \(Int(FunctionConfig.maximumTimeout)) seconds, found \(v.scalar ?? String(t))",
                        at: v.mark)
                    s.timeout = nil
                }
            case "memory_size":
                s.memorySize = integer(
                    v, key: "memory_size", minimum: FunctionConfig.minimumMemorySize,
                    maximum: FunctionConfig.maximumMemorySize, unit: " (MB)")
            case "max_concurrency":
                s.maxConcurrency = integer(v, key: "max_concurrency", minimum: 1)
            case "min_warm":
                s.minWarm = integer(v, key: "min_warm", minimum: 0)
                s.minWarmMark = v.mark
            case "rie_concurrency":
                s.rieConcurrency = integer(v, key: "rie_concurrency", minimum: 1)
            case "runtime":
                s.runtime = context.attempt("runtime", { try v.optionalString() }) ?? nil
            case "handler":
                s.handler = context.attempt("handler", { try v.optionalString() }) ?? nil
            case "event_max_age":
                s.eventMaxAge = integer(
                    v, key: "event_max_age", range: FunctionConfig.eventMaxAgeRange, unit: " (seconds)")
            case "event_retry_attempts":
                s.eventRetryAttempts = integer(
                    v, key: "event_retry_attempts", range: FunctionConfig.eventRetryAttemptsRange)
            case "on_failure":
                s.onFailure = context.attempt("on_failure", { try v.optionalString() }) ?? nil
                if let target = s.onFailure, !FunctionConfig.isValidName(target) {
                    context.error("on_failure must name a function, found \(Self.quote(target))", at: v.mark)
                    s.onFailure = nil
                }
            default:
                break  // reported by rejectUnknownKeys
            }
        }
        return s
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

    /// `own` over `defaults` over the box's fallbacks, with the cross-field check min_warm ≤ max_concurrency.
    private mutating func resolve(name: String, own: Settings, defaults: Settings, at mark: YAMLMark) -> FunctionConfig?
    {
        var f = FunctionConfig(
            name: name,
            image: own.image ?? defaults.image,
            environment: defaults.environment.merging(own.environment) { _, function in function },
            timeout: own.timeout ?? defaults.timeout ?? FunctionConfig.fallbackTimeout,
            memorySize: own.memorySize ?? defaults.memorySize ?? FunctionConfig.fallbackMemorySize,
            maxConcurrency: own.maxConcurrency ?? defaults.maxConcurrency ?? FunctionConfig.fallbackMaxConcurrency,
            minWarm: own.minWarm ?? defaults.minWarm ?? FunctionConfig.fallbackMinWarm,
            rieConcurrency: own.rieConcurrency ?? defaults.rieConcurrency ?? FunctionConfig.fallbackRIEConcurrency,
            runtime: own.runtime ?? defaults.runtime,
            handler: own.handler ?? defaults.handler)
        f.eventMaxAge = own.eventMaxAge ?? defaults.eventMaxAge ?? FunctionConfig.fallbackEventMaxAge
        f.eventRetryAttempts =
            own.eventRetryAttempts ?? defaults.eventRetryAttempts ?? FunctionConfig.fallbackEventRetryAttempts
        f.onFailure = own.onFailure ?? defaults.onFailure
        if f.minWarm > f.maxConcurrency {
            context.error(
                "function \(Self.quote(name)): min_warm (\(f.minWarm)\(own.minWarm == nil ? " from defaults" : "")) must not exceed max_concurrency (\(f.maxConcurrency))",
                at: own.minWarmMark ?? mark)
            return nil
        }
        return f
    }

    private static func quote(_ s: String) -> String { "\"\(s)\"" }
}
