import BoxCore
import YAML

/// Turns a function's `Events` into routes (`Api` → payload 1.0, `HttpApi` → 2.0 unless the event says
/// `PayloadFormatVersion: "1.0"`) and schedules (EventReader+Schedules.swift); other event sources are warnings.
struct EventReader {
    static let methods: Set<String> = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"]

    let context: ReadingContext
    let resource: SAMTemplate.Resource
    let functionName: String

    /// The routes and schedules of every event; an event that cannot be read is logged and the others are still read.
    func read() -> (routes: [RouteSpec], schedules: [ScheduleSpec]) {
        guard let node = resource.properties["Events"], !node.isNull else { return ([], []) }
        let events: [YAMLMappingReader.Entry]
        do {
            events = try SAMTemplate.reader(node).entries
        } catch {
            context.log.error(error)
            return ([], [])
        }
        var routes: [RouteSpec] = []
        var schedules: [ScheduleSpec] = []
        for event in events {
            do {
                try read(event, routes: &routes, schedules: &schedules)
            } catch {
                context.log.error(error)
            }
        }
        return (routes, schedules)
    }

    private func read(_ event: YAMLMappingReader.Entry, routes: inout [RouteSpec], schedules: inout [ScheduleSpec])
        throws(TemplateError)
    {
        let body = try SAMTemplate.reader(event.value)
        context.warnUnsupported(body, supported: ["Type", "Properties"], what: "event")
        guard let typeNode = body["Type"] else {
            throw TemplateError("event \(event.key) has no Type", at: event.keyNode.mark)
        }
        let type = try context.resolver.resolve(typeNode).string("event Type")
        let properties = try SAMTemplate.reader(body["Properties"] ?? YAMLNode(.mapping([]), mark: event.value.mark))
        switch type {
        case "Api": routes += try route(event.key, properties, mark: event.keyNode.mark, http: false)
        case "HttpApi": routes += try route(event.key, properties, mark: event.keyNode.mark, http: true)
        case "Schedule", "ScheduleV2":
            if let spec = try schedule(event.key, type: type, properties, mark: event.keyNode.mark) {
                schedules.append(spec)
            }
        default:
            context.log.warn(
                "event \(event.key) of type \(type) is not supported by the box (only Api and HttpApi events become routes); ignored",
                at: typeNode.mark)
        }
    }

    private func route(
        _ name: String, _ properties: YAMLMappingReader, mark: YAMLMark, http: Bool
    ) throws(TemplateError) -> [RouteSpec] {
        let resolver = context.resolver
        context.warnUnsupported(
            properties,
            supported: http
                ? ["Path", "Method", "ApiId", "Auth", "PayloadFormatVersion"]
                : ["Path", "Method", "RestApiId", "Auth"],
            what: http ? "HttpApi event" : "Api event")
        let path = try resolver.property("Path", of: properties)
        let method = try resolver.property("Method", of: properties)
        var payload = http ? "2.0" : "1.0"
        if let version = try resolver.property("PayloadFormatVersion", of: properties) {
            payload = try version.string("PayloadFormatVersion")
            guard payload == "1.0" || payload == "2.0" else {
                throw TemplateError(
                    "PayloadFormatVersion must be \"1.0\" or \"2.0\", found \(quoted(payload))", at: version.mark)
            }
        }
        let auth = try readAuth(properties)
        // `Path: $default` is what SAM writes for an HttpApi event without Path and Method.
        let isDefaultPath: Bool
        if http, let path, case .string("$default") = path.kind { isDefaultPath = true } else { isDefaultPath = false }
        guard let path, let method, !isDefaultPath else {
            if http, (path == nil && method == nil) || isDefaultPath {
                // An HttpApi event without Path and Method is the API's $default route: everything.
                return ["/", "/{proxy+}"].map {
                    RouteSpec(
                        path: $0, method: "ANY", function: functionName, payloadFormat: payload, auth: auth, mark: mark,
                        api: Self.api(of: properties, http: true))
                }
            }
            throw TemplateError("\(http ? "HttpApi" : "Api") event \(name) needs both Path and Method", at: mark)
        }
        let pathText = Self.normalizedPath(try path.string("Path"))
        try Self.checkPath(pathText, at: path.mark)
        var methodText = try method.string("Method").uppercased()
        if methodText == "X-AMAZON-APIGATEWAY-ANY-METHOD" { methodText = "ANY" }
        guard Self.methods.contains(methodText) else {
            throw TemplateError("Method \(quoted(methodText)) is not an HTTP method (or ANY)", at: method.mark)
        }
        return [
            RouteSpec(
                path: pathText, method: methodText, function: functionName, payloadFormat: payload, auth: auth,
                mark: mark, documentedRestAPI: http ? nil : try restAPIWithOwnDocument(properties),
                api: Self.api(of: properties, http: http))
        ]
    }

    /// The logical id of the API an event's `RestApiId` / `ApiId` names (`!Ref Api` or `Api`), SAM's implicit API
    /// (`ServerlessRestApi` / `ServerlessHttpApi`) without one, nil when it is no logical id (an imported id).
    static func api(of properties: YAMLMappingReader, http: Bool) -> String? {
        guard let node = properties[http ? "ApiId" : "RestApiId"], !node.isNull else {
            return http ? CORSReader.implicitHTTPAPI : CORSReader.implicitRestAPI
        }
        return apiTarget(node)
    }

    /// `!Ref Api` or `Api` → `Api`; anything else is no logical id.
    private static func apiTarget(_ node: YAMLNode) -> String? {
        guard let call = Intrinsic(node) else { return node.scalar }
        return call.name == "Ref" ? call.argument.scalar : nil
    }

    /// The logical id of the `AWS::Serverless::Api` an `Api` event's `RestApiId` names (`!Ref Api` or `Api`) when
    /// that API has its own `DefinitionBody` or `DefinitionUri` and no `MergeDefinitions: true` (its own or
    /// `Globals.Api`'s): SAM then leaves the document as written (it only adds event routes to the document it
    /// generates or merges).
    private func restAPIWithOwnDocument(_ properties: YAMLMappingReader) throws(TemplateError) -> String? {
        guard let node = properties["RestApiId"], let target = Self.apiTarget(node),
            let api = context.template.resource(target)
        else { return nil }
        // A plain RestApi never gets an event's route from SAM: with a Body, that document decides; without one
        // (routes made of AWS::ApiGateway::Method resources, which esb does not read) the event is the best guess.
        if api.type == "AWS::ApiGateway::RestApi" { return ModelBuilder.isPlainAPIWithBody(api) ? target : nil }
        guard api.type == "AWS::Serverless::Api" else { return nil }
        let hasDocument = ["DefinitionBody", "DefinitionUri"].contains {
            api.properties[$0].map { !$0.isNull } ?? false
        }
        guard hasDocument else { return nil }
        // `Globals.Api` is otherwise not applied, but its MergeDefinitions decides which routes AWS serves.
        var merge = try context.resolver.property("MergeDefinitions", of: api.properties)
        if merge == nil, let globals = context.template.globals?["Api"] {
            merge = try context.resolver.property("MergeDefinitions", of: SAMTemplate.reader(globals))
        }
        return try merge?.bool("MergeDefinitions") == true ? nil : target
    }

    /// `Auth.Authorizer: NONE` → "none"; any other authorizer is replaced by the box's JWT. Only `Authorizer` is
    /// evaluated: the rest (scopes, API keys, resource policies) has no effect, so a parameter without a value
    /// used there does not stop the run.
    private func readAuth(_ properties: YAMLMappingReader) throws(TemplateError) -> String {
        guard let node = properties["Auth"], !node.isNull else { return "jwt" }
        if Intrinsic(node) != nil {
            guard let auth = try context.resolver.property("Auth", of: properties) else { return "jwt" }
            return try auth["Authorizer"].map { v throws(TemplateError) in try authValue(v) } ?? "jwt"
        }
        let auth = try SAMTemplate.reader(node)
        for entry in auth.entries where entry.key != "Authorizer" && entry.key != "AuthorizationScopes" {
            context.log.warn("Auth.\(entry.key) is not supported by the box; ignored", at: entry.keyNode.mark)
        }
        guard let authorizer = try context.resolver.property("Authorizer", of: auth) else { return "jwt" }
        return try authValue(authorizer)
    }

    /// Any authorizer but `NONE` (Cognito, Lambda, JWT, `AWS_IAM`) is an approximation the user must hear about
    /// (docs/sam-support.md, "Events"): the route then takes the box's own JWT, not the authorizer's tokens.
    private func authValue(_ authorizer: TemplateValue) throws(TemplateError) -> String {
        let name = try authorizer.string("Auth.Authorizer")
        if name == "NONE" { return "none" }
        context.log.warn(
            "authorizer \(quoted(name)) is not applied by the box; the route requires the box's JWT instead (auth: jwt)",
            at: authorizer.mark)
        return "jwt"
    }

    /// The path as API Gateway serves it: a trailing `/` dropped (`/plantest/` → `/plantest`), repeated
    /// slashes folded; `/` stays `/`.
    static func normalizedPath(_ path: String) -> String {
        guard path.hasPrefix("/") else { return path }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return "/" + segments.joined(separator: "/")
    }

    /// `/a/{id}/{rest+}`: the box's own path rules (BoxCore's `RoutePath`, the one routing.yml's loader applies:
    /// parameters are whole segments named once with letters, digits, `_ . -`, `{x+}` only last), checked here so
    /// that a bad path is reported at its place in the template (docs/sam-support.md, "Events").
    static func checkPath(_ path: String, at mark: YAMLMark) throws(TemplateError) {
        guard path.hasPrefix("/") else {
            throw TemplateError("Path must start with /, found \(quoted(path))", at: mark)
        }
        if let bad = path.unicodeScalars.first(where: {
            $0 == "?" || $0 == "#" || $0.properties.isWhitespace || $0.value < 0x20
        }) {
            let shown = bad == "?" || bad == "#" ? "'\(bad)'" : "whitespace or a control character"
            throw TemplateError("Path must not contain \(shown), found \(quoted(path))", at: mark)
        }
        // The messages the generator's goldens show for the two commonest mistakes; every other rule is BoxCore's.
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for (i, segment) in segments.enumerated() where segment.contains("{") || segment.contains("}") {
            guard segment.hasPrefix("{"), segment.hasSuffix("}"), segment.count > 2 else {
                throw TemplateError(
                    "path parameter must be a whole segment like {id}: \(quoted(String(segment)))", at: mark)
            }
            if segment.hasSuffix("+}"), i != segments.count - 1 {
                throw TemplateError("greedy path parameter \(segment) must be the last segment", at: mark)
            }
        }
        do {
            _ = try RoutePath(parsing: path)
        } catch {
            throw TemplateError("Path \(quoted(path)) is not valid: \(error.message)", at: mark)
        }
    }
}
