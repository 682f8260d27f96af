import BoxCore
import Foundation
import YAML

/// A SAM API's CORS settings as the `cors:` of each of its routes in `routing.yml` (docs/sam-support.md "CORS";
/// the gateway answers the preflights and adds the headers, docs/configuration.md "CORS"). A REST API's `Cors` and
/// an HTTP API's `CorsConfiguration` are read as SAM reads them, merged with `Globals.Api` / `Globals.HttpApi` the
/// way SAM merges Globals, and an HTTP API's is merged over its OpenAPI document's `x-amazon-apigateway-cors`;
/// settings that cannot be read are a warning and leave the API's routes without `cors`.
struct CORSReader {
    /// The APIs SAM creates for `Api` / `HttpApi` events that name no `RestApiId` / `ApiId`.
    static let implicitRestAPI = "ServerlessRestApi"
    static let implicitHTTPAPI = "ServerlessHttpApi"

    let context: ReadingContext

    /// An HTTP API OpenAPI document's `x-amazon-apigateway-cors` (AWS's HTTP API extension: the settings of
    /// `CorsConfiguration` in lower camel case), as `OpenAPIRouteReader` finds it (docs/sam-support.md "CORS").
    struct OpenAPIExtension {
        static let key = "x-amazon-apigateway-cors"
        var node: YAMLNode
        /// The template position to report its problems at when the document comes from another file
        /// (`AWS::Include`, `DefinitionUri`): positions inside that file would be read as the template's.
        var origin: YAMLMark?
    }

    /// The policy of the API `id` (a logical id, or an implicit API's), nil when it has none, is not a SAM API, or
    /// its settings cannot be read (then said in a warning). `document` is the `x-amazon-apigateway-cors` of an
    /// HTTP API's OpenAPI document: the API's `CorsConfiguration` (with Globals') is merged over it, as SAM does.
    func policy(ofAPI id: String, document: OpenAPIExtension? = nil) -> CORSPolicy? {
        let http: Bool
        let own: YAMLNode?
        if let resource = context.template.resource(id) {
            switch resource.type {
            case "AWS::Serverless::Api": (http, own) = (false, resource.properties["Cors"])
            case "AWS::Serverless::HttpApi": (http, own) = (true, resource.properties["CorsConfiguration"])
            default: return nil
            }
        } else if id == Self.implicitRestAPI || id == Self.implicitHTTPAPI {
            (http, own) = (id == Self.implicitHTTPAPI, nil)
        } else {
            return nil
        }
        let key = http ? "CorsConfiguration" : "Cors"
        let global = context.template.globals?[http ? "HttpApi" : "Api"]?[key]
        let node = Self.mergedGlobal(global, own)
        // AWS documents x-amazon-apigateway-cors for HTTP APIs only (OpenAPIRouteReader reads none for others).
        let document = http ? document : nil
        guard node != nil || document != nil else { return nil }
        let api = context.template.resource(id) == nil ? "the implicit API \(id)" : id
        let lost = "; the routes of \(api) get no CORS"
        if let node, let parameter = context.resolver.missingParameter(in: node) {
            context.log.warn("\(key) depends on parameter \(parameter), which has no value\(lost)", at: node.mark)
            return nil
        }
        if let document, let parameter = context.resolver.missingParameter(in: document.node) {
            context.log.warn(
                "\(OpenAPIExtension.key) depends on parameter \(parameter), which has no value\(lost)",
                at: document.origin ?? document.node.mark)
            return nil
        }
        do throws(TemplateError) {
            var policy = try node.flatMap { n throws(TemplateError) in try propertyPolicy(n, key: key, http: http) }
            if let document {
                let fromDocument = try documentPolicy(document)
                policy = policy.map { Self.merged($0, over: fromDocument) } ?? fromDocument
            }
            // API Gateway sends no Access-Control-Allow-Origin without allowOrigins: no origin is allowed, as
            // without cors (an HTTP API's map may leave them out).
            guard let policy, !policy.allowOrigins.isEmpty else { return nil }
            return policy
        } catch {
            context.log.warn("\(error.message)\(lost)", at: error.mark)
            return nil
        }
    }

    /// The API's `Cors` / `CorsConfiguration` (merged with Globals'); nil when it allows nothing (`false`, null).
    private func propertyPolicy(_ node: YAMLNode, key: String, http: Bool) throws(TemplateError) -> CORSPolicy? {
        let value = try context.resolver.resolve(node)
        if value.isNoValue || value.isNull { return nil }
        guard value.isKnown else {
            throw TemplateError("\(key) depends on a value known only on AWS", at: value.mark)
        }
        guard var policy = http ? try httpPolicy(value, key: key) : try restPolicy(value) else { return nil }
        policy.allowMethods = policy.allowMethods.map { $0.uppercased() }
        try check(policy, key: key, at: value.mark)
        return policy
    }

    /// The document's `x-amazon-apigateway-cors`, read as `CorsConfiguration` is; problems inside an included
    /// document are reported at its `Location` / `DefinitionUri` in the template.
    private func documentPolicy(_ document: OpenAPIExtension) throws(TemplateError) -> CORSPolicy {
        let key = OpenAPIExtension.key
        do throws(TemplateError) {
            let value = try context.resolver.resolve(document.node)
            guard value.isKnown else {
                throw TemplateError("\(key) depends on a value known only on AWS", at: value.mark)
            }
            guard case .map = value.kind else { throw value.wrongType("a map", for: key) }
            var policy = try httpPolicy(value, key: key, warnAt: document.origin) ?? CORSPolicy(allowOrigins: [])
            policy.allowMethods = policy.allowMethods.map { $0.uppercased() }
            try check(policy, key: key, at: value.mark)
            return policy
        } catch {
            guard let origin = document.origin else { throw error }
            var moved = error
            moved.message += " (in the included OpenAPI document)"
            moved.mark = origin
            throw moved
        }
    }

    /// SAM's merge of an HTTP API's `CorsConfiguration` into its document's `x-amazon-apigateway-cors`: each
    /// setting the property gives (a non-empty list, `MaxAge`, `AllowCredentials: true`) replaces the document's,
    /// the document's other settings stay (docs/sam-support.md "CORS").
    static func merged(_ property: CORSPolicy, over document: CORSPolicy) -> CORSPolicy {
        func pick(_ own: [String], _ other: [String]) -> [String] { own.isEmpty ? other : own }
        return CORSPolicy(
            allowOrigins: pick(property.allowOrigins, document.allowOrigins),
            allowMethods: pick(property.allowMethods, document.allowMethods),
            allowHeaders: pick(property.allowHeaders, document.allowHeaders),
            exposeHeaders: pick(property.exposeHeaders, document.exposeHeaders),
            maxAge: property.maxAge ?? document.maxAge,
            allowCredentials: property.allowCredentials || document.allowCredentials)
    }

    /// SAM's Globals merge: a resource's own value wins, but two maps are merged key by key (the resource's keys
    /// win) and two lists add up (Globals first); an intrinsic function counts as a plain value.
    static func mergedGlobal(_ global: YAMLNode?, _ own: YAMLNode?) -> YAMLNode? {
        guard let global, !global.isNull else { return own }
        guard let own, !own.isNull else { return global }
        guard Intrinsic(global) == nil, Intrinsic(own) == nil else { return own }
        if let globalPairs = global.mapping, let ownPairs = own.mapping {
            var pairs = globalPairs
            for pair in ownPairs {
                if let i = pairs.firstIndex(where: { $0.key.scalar != nil && $0.key.scalar == pair.key.scalar }) {
                    pairs[i] = YAMLPair(key: pair.key, value: mergedGlobal(pairs[i].value, pair.value) ?? pair.value)
                } else {
                    pairs.append(pair)
                }
            }
            return YAMLNode(.mapping(pairs), mark: own.mark)
        }
        if let globalItems = global.sequence, let ownItems = own.sequence {
            return YAMLNode(.sequence(globalItems + ownItems), mark: own.mark)
        }
        return own
    }

    // MARK: REST APIs

    /// `Cors: "'https://example.com'"` (the origin only) or `{AllowOrigin, AllowMethods, AllowHeaders, MaxAge,
    /// AllowCredentials}`, whose strings are header values in single quotes (`"'GET,POST'"`); `AllowOrigin` is
    /// `'*'` when the map has none, as in SAM.
    private func restPolicy(_ value: TemplateValue) throws(TemplateError) -> CORSPolicy? {
        if case .string(let text) = value.kind { return CORSPolicy(allowOrigins: [Self.unquoted(text)]) }
        let entries = try value.entries("Cors")
        let keys: Set<String> = ["AllowOrigin", "AllowMethods", "AllowHeaders", "MaxAge", "AllowCredentials"]
        for entry in entries where !keys.contains(entry.key) {
            context.log.warn("Cors property \(entry.key) is not supported by esb; ignored", at: entry.keyMark)
        }
        // SAM's default for a map without AllowOrigin: any origin, `'*'` (docs/sam-support.md "CORS").
        let origin = value["AllowOrigin"] ?? .string("'*'", at: value.mark)
        func list(_ key: String) throws(TemplateError) -> [String] {
            guard let item = value[key] else { return [] }
            return Self.unquoted(try item.string("Cors.\(key)")).split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
        }
        var maxAge: Int?
        if let age = value["MaxAge"] {
            maxAge = try TemplateValue.string(Self.unquoted(try age.string("Cors.MaxAge")), at: age.mark).int(
                "Cors.MaxAge")
        }
        return CORSPolicy(
            allowOrigins: [Self.unquoted(try origin.string("Cors.AllowOrigin"))],
            allowMethods: try list("AllowMethods"),
            allowHeaders: try list("AllowHeaders"), maxAge: maxAge,
            allowCredentials: try value["AllowCredentials"]?.bool("Cors.AllowCredentials") ?? false)
    }

    /// A REST Cors value without one pair of surrounding single quotes (`'*'` → `*`); one without them as is.
    static func unquoted(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count >= 2, trimmed.hasPrefix("'"), trimmed.hasSuffix("'") else { return trimmed }
        return String(trimmed.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
    }

    // MARK: HTTP APIs

    /// `CorsConfiguration: true` (what SAM makes of it: any origin, method and header), `false` (none), or
    /// `{AllowOrigins, AllowMethods, AllowHeaders, ExposeHeaders, MaxAge, AllowCredentials}` with lists; the
    /// document's `x-amazon-apigateway-cors` (`key`) is that map in lower camel case (`allowOrigins`...). A map
    /// without origins gives a policy without them: the caller decides (a document may give them).
    private func httpPolicy(_ value: TemplateValue, key: String, warnAt: YAMLMark? = nil) throws(TemplateError)
        -> CORSPolicy?
    {
        let isExtension = key == OpenAPIExtension.key
        if case .string = value.kind, !isExtension {
            guard try value.bool(key) else { return nil }
            return CORSPolicy(allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["*"])
        }
        // `AllowOrigins` in the property, `allowOrigins` in the document.
        func name(_ setting: String) -> String {
            isExtension ? setting.prefix(1).lowercased() + setting.dropFirst() : setting
        }
        let entries = try value.entries(key)
        let keys = Set(
            ["AllowOrigins", "AllowMethods", "AllowHeaders", "ExposeHeaders", "MaxAge", "AllowCredentials"].map(name))
        for entry in entries where !keys.contains(entry.key) {
            let place = warnAt == nil ? "" : " (in the included OpenAPI document)"
            context.log.warn(
                "\(key) property \(entry.key) is not supported by esb; ignored\(place)", at: warnAt ?? entry.keyMark)
        }
        func list(_ setting: String) throws(TemplateError) -> [String] {
            guard let items = value[name(setting)] else { return [] }
            var out: [String] = []
            for item in try items.listOrSingle("\(key).\(name(setting))") {
                out.append(try item.string("\(key).\(name(setting)) item").trimmingCharacters(in: .whitespaces))
            }
            return out.filter { !$0.isEmpty }
        }
        return CORSPolicy(
            allowOrigins: try list("AllowOrigins"), allowMethods: try list("AllowMethods"),
            allowHeaders: try list("AllowHeaders"), exposeHeaders: try list("ExposeHeaders"),
            maxAge: try value[name("MaxAge")]?.int("\(key).\(name("MaxAge"))"),
            allowCredentials: try value[name("AllowCredentials")]?.bool("\(key).\(name("AllowCredentials"))") ?? false)
    }

    // MARK: What routing.yml accepts

    /// What the box's `routing.yml` loader would refuse (docs/configuration.md "CORS"): better a warning here than
    /// a generation the check refuses.
    private func check(_ policy: CORSPolicy, key: String, at mark: YAMLMark) throws(TemplateError) {
        if policy.allowOrigins.contains(where: \.isEmpty) {
            throw TemplateError("\(key) allows an empty origin", at: mark)
        }
        if let method = policy.allowMethods.first(where: { $0 != "*" && RouteMethod(parsing: $0) == nil }) {
            throw TemplateError("\(key) allows \(quoted(method)), which is not an HTTP method", at: mark)
        }
        let values = policy.allowOrigins + policy.allowHeaders + policy.exposeHeaders
        if let bad = values.first(where: { $0.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }) {
            throw TemplateError("\(key) has a control character in \(quoted(bad))", at: mark)
        }
        if let age = policy.maxAge, age < 0 {
            throw TemplateError("\(key) has a negative MaxAge (\(age))", at: mark)
        }
    }
}
