import YAML

/// Decodes `routing.yml` into a `RoutingConfig`, collecting every problem with its position.
struct RoutingConfigDecoder {
    static let routeKeys: Set<String> = ["path", "method", "function", "payload_format", "auth", "cors"]
    static let corsKeys: Set<String> = [
        "allow_origins", "allow_methods", "allow_headers", "expose_headers", "max_age", "allow_credentials",
    ]
    static let legacyFunctionKeys: Set<String> = ["container", "image", "environment"]

    private var context: ConfigDecoding

    init(path: String) { context = ConfigDecoding(path: path, environment: nil) }

    mutating func decode(_ text: String) throws(ConfigError) -> RoutingConfig {
        let root = try context.root(of: text)
        let top = try context.topMapping(root, allowed: ["routes"])
        var routes: [Route] = []
        var seen: [String: Route] = [:]
        if let node = top["routes"], let items = context.attempt("routes", { try node.items(nullIsEmpty: true) }) {
            for item in items {
                guard let route = route(item) else { continue }
                let key = "\(route.method.rawValue) \(route.path.shape)"
                if let first = seen[key] {
                    context.error(
                        "duplicate route \(route.routeKey): same method and path as the route at line \(first.line)",
                        at: item.mark)
                    continue
                }
                seen[key] = route
                routes.append(route)
            }
        }
        try context.throwIfFailed()
        return RoutingConfig(path: context.path, routes: routes, warnings: context.warnings)
    }

    private mutating func route(_ item: YAMLNode) -> Route? {
        guard let m = context.attempt("route", { try item.mappingReader() }) else { return nil }
        let errorsBefore = context.errors.count
        _ = context.attempt { try m.rejectUnknownKeys(allowed: Self.routeKeys) }
        let path = context.attempt { try m.required("path") }.flatMap { routePath($0) }
        let method = context.attempt { try m.required("method") }.flatMap { routeMethod($0) }
        let function = context.attempt { try m.required("function") }.flatMap { functionName($0) }
        let payload = m.optional("payload_format").flatMap { payloadFormat($0) } ?? .v1
        let auth = m.optional("auth").flatMap { routeAuth($0) } ?? .jwt
        let cors = m.optional("cors").flatMap { corsPolicy($0) }
        guard context.errors.count == errorsBefore, let path, let method, let function else { return nil }
        return Route(
            path: path, method: method, function: function, payloadFormat: payload, auth: auth, cors: cors,
            line: item.mark.line, column: item.mark.column)
    }

    private mutating func routePath(_ node: YAMLNode) -> RoutePath? {
        guard let text = context.attempt("path", { try node.string() }) else { return nil }
        do {
            return try RoutePath(parsing: text)
        } catch {
            context.error("path \"\(text)\": \(error.message)", at: node.mark)
            return nil
        }
    }

    private mutating func routeMethod(_ node: YAMLNode) -> RouteMethod? {
        context.value(node, key: "method", RouteMethod.init(parsing:)) {
            "method must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY, found \"\($0)\""
        }
    }

    /// A function name, or the legacy `{container: NAME, image:, environment:}` form (its image and environment
    /// are ignored with a warning: the Manager trusts only functions.yml).
    private mutating func functionName(_ node: YAMLNode) -> String? {
        let nameNode: YAMLNode
        if node.mapping != nil {
            guard let m = context.attempt("function", { try node.mappingReader() }) else { return nil }
            _ = context.attempt { try m.rejectUnknownKeys(allowed: Self.legacyFunctionKeys) }
            guard let container = context.attempt(nil, { try m.required("container") }) else { return nil }
            for key in ["image", "environment"] where m.contains(key) {
                let keyMark = m.entries.first { $0.key == key }?.keyNode.mark ?? node.mark
                context.warning(
                    "function.\(key) is ignored here: set the function's \(key) in functions.yml", at: keyMark)
            }
            nameNode = container
        } else {
            nameNode = node
        }
        guard let name = context.attempt("function", { try nameNode.string() }) else { return nil }
        guard FunctionConfig.isValidName(name) else {
            context.error(
                "invalid function name \"\(name)\": \(FunctionConfig.nameRule)",
                at: nameNode.mark)
            return nil
        }
        return name
    }

    /// "1.0" / "2.0", also written as the numbers 1.0 / 2.0 (or 1 / 2).
    private mutating func payloadFormat(_ node: YAMLNode) -> Route.PayloadFormat? {
        context.value(node, key: "payload_format") {
            switch YAMLScalarSchema.double($0) {
            case 1?: .v1
            case 2?: .v2
            default: nil
            }
        } refusal: {
            "payload_format must be \"1.0\" or \"2.0\", found \"\($0)\""
        }
    }

    private mutating func routeAuth(_ node: YAMLNode) -> Route.Auth? {
        context.value(node, key: "auth", { Route.Auth(rawValue: $0.lowercased()) }) {
            "auth must be \"jwt\" or \"none\", found \"\($0)\""
        }
    }

    /// `cors: {allow_origins: [...], ...}` (docs/configuration.md "CORS"); `allow_origins` is required.
    private mutating func corsPolicy(_ node: YAMLNode) -> CORSPolicy? {
        guard let m = context.attempt("cors", { try node.mappingReader() }) else { return nil }
        _ = context.attempt { try m.rejectUnknownKeys(allowed: Self.corsKeys) }
        guard let originsNode = context.attempt("cors", { try m.required("allow_origins") }) else { return nil }
        let origins = stringList(originsNode, key: "cors.allow_origins")
        if origins?.isEmpty == true { context.error("cors.allow_origins must name at least one origin", at: node.mark) }
        let methods = m.optional("allow_methods").flatMap { stringList($0, key: "cors.allow_methods") } ?? []
        for method in methods where method != "*" && RouteMethod(parsing: method) == nil {
            context.error("cors.allow_methods: \"\(method)\" is not an HTTP method", at: node.mark)
        }
        let headers = m.optional("allow_headers").flatMap { stringList($0, key: "cors.allow_headers") } ?? []
        let exposed = m.optional("expose_headers").flatMap { stringList($0, key: "cors.expose_headers") } ?? []
        var maxAge: Int?
        if let ageNode = m.optional("max_age") {
            maxAge = context.attempt("cors.max_age", { try ageNode.int() })
            if let age = maxAge, age < 0 { context.error("cors.max_age must not be negative", at: ageNode.mark) }
        }
        let credentials = m.optional("allow_credentials").flatMap {
            node in context.attempt("cors.allow_credentials", { try node.bool() })
        }
        guard let origins else { return nil }
        return CORSPolicy(
            allowOrigins: origins, allowMethods: methods.map { $0 == "*" ? $0 : $0.uppercased() },
            allowHeaders: headers, exposeHeaders: exposed, maxAge: maxAge, allowCredentials: credentials ?? false)
    }

    /// A sequence of strings, or one string (a single origin or method written without brackets).
    private mutating func stringList(_ node: YAMLNode, key: String) -> [String]? {
        if node.sequence == nil { return context.attempt(key, { try node.string() }).map { [$0] } }
        guard let items = context.attempt(key, { try node.items() }) else { return nil }
        var out: [String] = []
        for item in items {
            guard let text = context.attempt(key, { try item.string() }) else { return nil }
            out.append(text)
        }
        return out
    }
}
