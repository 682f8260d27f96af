import BoxCore

/// Renders `functions.yml` (docs/contract.md §2.1), `routing.yml` (§2.2), `resources.yml` (§5) and `schedules.yml`
/// (docs/async-invocations.md).
struct ConfigRenderer {
    let templatePath: String

    /// Function settings, sorted by name. Every string value escapes `$` as `$$`: the Gateway and the
    /// Manager substitute `${NAME}` from their environment when they load the file.
    func functionsFile(_ functions: [FunctionSpec]) -> String {
        // LOG_LEVEL is substituted by the daemons from their own environment when they load the file, so the
        // box's log level reaches every function (docs/sam-support.md); the `$` is deliberately not escaped.
        var lines = [
            YAMLText.header(templatePath), "defaults:", "  environment:", "    LOG_LEVEL: \"${LOG_LEVEL}\"",
            "  timeout: 3", "  memory_size: 128", "functions:",
        ]
        if functions.isEmpty { lines[lines.count - 1] = "functions: {}" }
        for function in functions.sorted(by: { $0.name < $1.name }) {
            lines.append("  \(YAMLText.key(function.name)):")
            lines.append("    image: \(value(function.image))")
            if let runtime = function.runtime { lines.append("    runtime: \(value(runtime))") }
            if let handler = function.handler { lines.append("    handler: \(value(handler))") }
            lines.append("    timeout: \(function.timeout)")
            lines.append("    memory_size: \(function.memorySize)")
            if let n = function.maxConcurrency { lines.append("    max_concurrency: \(n)") }
            if let n = function.minWarm { lines.append("    min_warm: \(n)") }
            if let n = function.eventInvoke.maxEventAge { lines.append("    event_max_age: \(n)") }
            if let n = function.eventInvoke.retryAttempts { lines.append("    event_retry_attempts: \(n)") }
            if let f = function.eventInvoke.onFailure { lines.append("    on_failure: \(value(f))") }
            if !function.environment.isEmpty {
                lines.append("    environment:")
                for (key, v) in function.environment {
                    lines.append("      \(YAMLText.key(key)): \(value(v))")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func value(_ text: String) -> String {
        YAMLText.string(text.replacingDollars())
    }

    func routingFile(_ routes: [RouteSpec]) -> String {
        var lines = [YAMLText.header(templatePath), routes.isEmpty ? "routes: []" : "routes:"]
        for route in routes {
            lines.append("  - path: \(YAMLText.string(route.path))")
            lines.append("    method: \(YAMLText.string(route.method))")
            lines.append("    function: \(YAMLText.string(route.function))")
            lines.append("    payload_format: \(YAMLText.string(route.payloadFormat))")
            lines.append("    auth: \(YAMLText.string(route.auth))")
            if let cors = route.cors { lines += corsLines(cors) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A route's `cors:` block (docs/configuration.md "CORS"); empty lists and defaults are left out.
    private func corsLines(_ cors: CORSPolicy) -> [String] {
        var lines = ["    cors:", "      allow_origins: \(YAMLText.list(cors.allowOrigins))"]
        for (key, items) in [
            ("allow_methods", cors.allowMethods), ("allow_headers", cors.allowHeaders),
            ("expose_headers", cors.exposeHeaders),
        ] where !items.isEmpty {
            lines.append("      \(key): \(YAMLText.list(items))")
        }
        if let maxAge = cors.maxAge { lines.append("      max_age: \(maxAge)") }
        if cors.allowCredentials { lines.append("      allow_credentials: true") }
        return lines
    }

    func resourcesFile(tables: [TableSpec], buckets: [BucketSpec]) -> String {
        var lines = [YAMLText.header(templatePath), tables.isEmpty ? "tables: []" : "tables:"]
        for table in tables.sorted(by: { $0.name < $1.name }) {
            lines.append("  - name: \(YAMLText.string(table.name))")
            lines.append("    key_schema: \(keys(table.keySchema))")
            lines.append("    billing_mode: \(table.billingMode)")
            capacity(&lines, table.readCapacity, table.writeCapacity, indent: "    ")
            for (key, indexes) in [
                ("global_secondary_indexes", table.globalIndexes), ("local_secondary_indexes", table.localIndexes),
            ]
            where !indexes.isEmpty {
                lines.append("    \(key):")
                for index in indexes {
                    lines.append("      - name: \(YAMLText.string(index.name))")
                    lines.append("        key_schema: \(keys(index.keySchema))")
                    lines.append("        projection: \(index.projection)")
                    if !index.nonKeyAttributes.isEmpty {
                        lines.append("        non_key_attributes: \(YAMLText.list(index.nonKeyAttributes))")
                    }
                    capacity(&lines, index.readCapacity, index.writeCapacity, indent: "        ")
                }
            }
        }
        lines.append(buckets.isEmpty ? "buckets: []" : "buckets:")
        for bucket in buckets.sorted(by: { $0.name < $1.name }) {
            lines.append("  - name: \(YAMLText.string(bucket.name))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Always written (empty when the template has no schedules) so a schedule removed from the template never
    /// keeps firing from an older generation.
    func schedulesFile(_ schedules: [ScheduleSpec]) -> String {
        var lines = [YAMLText.header(templatePath), schedules.isEmpty ? "schedules: []" : "schedules:"]
        for s in schedules.sorted(by: { $0.name < $1.name }) {
            lines.append("  - name: \(YAMLText.string(s.name))")
            lines.append("    function: \(YAMLText.string(s.function))")
            lines.append("    expression: \(YAMLText.string(s.expression))")
            if let input = s.input { lines.append("    input: \(YAMLText.string(input))") }
            lines.append("    enabled: \(s.enabled)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func keys(_ schema: [TableSpec.Key]) -> String {
        "["
            + schema.map { "{attribute: \(YAMLText.string($0.attribute)), type: \($0.type), key: \($0.key)}" }.joined(
                separator: ", ") + "]"
    }

    private func capacity(_ lines: inout [String], _ read: Int?, _ write: Int?, indent: String) {
        if let read { lines.append("\(indent)read_capacity: \(read)") }
        if let write { lines.append("\(indent)write_capacity: \(write)") }
    }
}

extension String {
    /// `$` → `$$`, the literal dollar of the configuration files' substitution.
    func replacingDollars() -> String {
        var out = ""
        for c in self {
            out.append(c)
            if c == "$" { out.append("$") }
        }
        return out
    }
}
