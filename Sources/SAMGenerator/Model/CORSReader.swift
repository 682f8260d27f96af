import BoxCore
import Foundation
import YAML

/// A SAM API's CORS settings as the `cors:` of each of its routes in `routing.yml` (docs/sam-support.md "CORS";
/// the gateway answers the preflights and adds the headers, docs/configuration.md "CORS"). A REST API's `Cors` and
/// an HTTP API's `CorsConfiguration` are read as SAM reads them, merged with `Globals.Api` / `Globals.HttpApi` the
/// way SAM merges Globals; settings that cannot be read are a warning and leave the API's routes without `cors`.
struct CORSReader {
    /// The APIs SAM creates for `Api` / `HttpApi` events that name no `RestApiId` / `ApiId`.
    static let implicitRestAPI = "ServerlessRestApi"
    static let implicitHTTPAPI = "ServerlessHttpApi"

    let context: ReadingContext

    /// The policy of the API `id` (a logical id, or an implicit API's), nil when it has none, is not a SAM API, or
    /// its settings cannot be read (then said in a warning).
    func policy(ofAPI id: String) -> CORSPolicy? {
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
        guard let node = Self.mergedGlobal(global, own) else { return nil }
        let api = context.template.resource(id) == nil ? "the implicit API \(id)" : id
        let lost = "; the routes of \(api) get no CORS"
        if let parameter = context.resolver.missingParameter(in: node) {
            context.log.warn("\(key) depends on parameter \(parameter), which has no value\(lost)", at: node.mark)
            return nil
        }
        do throws(TemplateError) {
            let value = try context.resolver.resolve(node)
            if value.isNoValue || value.isNull { return nil }
            guard value.isKnown else {
                throw TemplateError("\(key) depends on a value known only on AWS", at: value.mark)
            }
            guard var policy = http ? try httpPolicy(value) : try restPolicy(value) else { return nil }
            policy.allowMethods = policy.allowMethods.map { $0.uppercased() }
            try check(policy, key: key, at: value.mark)
            return policy
        } catch {
            context.log.warn("\(error.message)\(lost)", at: error.mark)
            return nil
        }
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
    /// `{AllowOrigins, AllowMethods, AllowHeaders, ExposeHeaders, MaxAge, AllowCredentials}` with lists.
    private func httpPolicy(_ value: TemplateValue) throws(TemplateError) -> CORSPolicy? {
        if case .string = value.kind {
            guard try value.bool("CorsConfiguration") else { return nil }
            return CORSPolicy(allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["*"])
        }
        let entries = try value.entries("CorsConfiguration")
        let keys: Set<String> = [
            "AllowOrigins", "AllowMethods", "AllowHeaders", "ExposeHeaders", "MaxAge", "AllowCredentials",
        ]
        for entry in entries where !keys.contains(entry.key) {
            context.log.warn(
                "CorsConfiguration property \(entry.key) is not supported by esb; ignored", at: entry.keyMark)
        }
        func list(_ key: String) throws(TemplateError) -> [String] {
            guard let items = value[key] else { return [] }
            var out: [String] = []
            for item in try items.listOrSingle("CorsConfiguration.\(key)") {
                out.append(try item.string("CorsConfiguration.\(key) item").trimmingCharacters(in: .whitespaces))
            }
            return out.filter { !$0.isEmpty }
        }
        // API Gateway sends no Access-Control-Allow-Origin without AllowOrigins: no origin is allowed, as without cors.
        let origins = try list("AllowOrigins")
        guard !origins.isEmpty else { return nil }
        return CORSPolicy(
            allowOrigins: origins, allowMethods: try list("AllowMethods"), allowHeaders: try list("AllowHeaders"),
            exposeHeaders: try list("ExposeHeaders"), maxAge: try value["MaxAge"]?.int("CorsConfiguration.MaxAge"),
            allowCredentials: try value["AllowCredentials"]?.bool("CorsConfiguration.AllowCredentials") ?? false)
    }

    // MARK: What routing.yml accepts

    /// What the box's `routing.yml` loader would refuse (docs/configuration.md "CORS"): better a warning here than
    /// a generation the check refuses.
    private func check(_ policy: CORSPolicy, key: String, at mark: YAMLMark) throws(TemplateError) {
        if policy.allowOrigins.isEmpty || policy.allowOrigins.contains(where: \.isEmpty) {
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
