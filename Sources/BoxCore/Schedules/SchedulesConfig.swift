import YAML

/// One entry of `schedules.yml` (docs/async-invocations.md, "Scheduled functions").
public struct ScheduleConfig: Sendable, Equatable {
    /// Where it is written (for diagnostics).
    public var line = 0
    public var column = 0
    /// Unique name: the EventBridge rule name in the payload's `resources`.
    public var name: String
    public var function: String
    /// As written (`rate(5 minutes)`, `cron(0 18 ? * MON-FRI *)`).
    public var expressionText: String
    public var expression: ScheduleExpression
    /// JSON text sent instead of the `Scheduled Event` payload.
    public var input: String?
    public var enabled: Bool

    public init(
        name: String, function: String, expressionText: String, expression: ScheduleExpression, input: String?,
        enabled: Bool
    ) {
        self.name = name
        self.function = function
        self.expressionText = expressionText
        self.expression = expression
        self.input = input
        self.enabled = enabled
    }
}

/// `schedules.yml`: written by `esb generate` from SAM `Schedule`/`ScheduleV2` events, read by the gateway.
public struct SchedulesConfig: Sendable, Equatable {
    public var path: String
    public var schedules: [ScheduleConfig]
    public var isMissingFile: Bool

    public init(path: String = "schedules.yml", schedules: [ScheduleConfig], isMissingFile: Bool = false) {
        self.path = path
        self.schedules = schedules
        self.isMissingFile = isMissingFile
    }

    /// A missing file is no schedules; anything wrong is a `ConfigError` with located lines.
    public static func load(path: String) throws(ConfigError) -> SchedulesConfig {
        guard let text = try ConfigFile.read(path: path) else {
            return SchedulesConfig(path: path, schedules: [], isMissingFile: true)
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws(ConfigError) -> SchedulesConfig {
        var decoder = SchedulesConfigDecoder(path: path)
        return try decoder.decode(text)
    }

    /// One diagnostic per schedule whose function is not in `functions`.
    public func undefinedFunctions(in functions: FunctionsConfig) -> [ConfigDiagnostic] {
        schedules.filter { !functions.contains($0.function) }.map {
            ConfigDiagnostic(
                path: path, line: $0.line, column: $0.column,
                message: "schedule \"\($0.name)\" names function \"\($0.function)\", which is not in \(functions.path)")
        }
    }
}

struct SchedulesConfigDecoder {
    static let keys: Set<String> = ["name", "function", "expression", "input", "enabled"]
    private var context: ConfigDecoding

    init(path: String) { context = ConfigDecoding(path: path, environment: nil) }

    mutating func decode(_ text: String) throws(ConfigError) -> SchedulesConfig {
        let root = try context.root(of: text)
        let top = try context.topMapping(root, allowed: ["schedules"])
        var out: [ScheduleConfig] = []
        var seen: [String: Int] = [:]
        if let node = top["schedules"], let items = context.attempt("schedules", { try node.items(nullIsEmpty: true) })
        {
            for item in items {
                guard let s = schedule(item) else { continue }
                if let line = seen[s.name] {
                    context.error("duplicate schedule name \"\(s.name)\" (first at line \(line))", at: item.mark)
                    continue
                }
                seen[s.name] = item.mark.line
                out.append(s)
            }
        }
        try context.throwIfFailed()
        return SchedulesConfig(path: context.path, schedules: out)
    }

    private mutating func schedule(_ item: YAMLNode) -> ScheduleConfig? {
        guard let m = context.attempt("schedule", { try item.mappingReader() }) else { return nil }
        let before = context.errors.count
        _ = context.attempt { try m.rejectUnknownKeys(allowed: Self.keys) }
        let name = context.attempt { try m.required("name") }.flatMap { n in context.attempt("name", { try n.string() })
        }
        let function = context.attempt { try m.required("function") }.flatMap { n in
            context.value(n, key: "function", { FunctionConfig.isValidName($0) ? $0 : nil }) {
                "function \"\($0)\" is not a valid function name"
            }
        }
        var expression: (String, ScheduleExpression)?
        if let node = context.attempt(nil, { try m.required("expression") }),
            let text = context.attempt("expression", { try node.string() })
        {
            do {
                expression = (text, try ScheduleExpression(parsing: text))
            } catch {
                context.error("expression \"\(text)\": \(error.message)", at: node.mark)
            }
        }
        var input: String?
        if let node = m.optional("input") {
            input = context.attempt("input", { try node.optionalString() }) ?? nil
            if let text = input, (try? JSONValue(parsing: Array(text.utf8))) == nil {
                context.error("input must be JSON text", at: node.mark)
            }
        }
        let enabled = m.optional("enabled").flatMap { n in context.attempt("enabled", { try n.bool() }) } ?? true
        guard context.errors.count == before, let name, let function, let expression else { return nil }
        var s = ScheduleConfig(
            name: name, function: function, expressionText: expression.0, expression: expression.1, input: input,
            enabled: enabled)
        s.line = item.mark.line
        s.column = item.mark.column
        return s
    }
}
