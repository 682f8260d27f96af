import BoxCore
import YAML

/// Walks the template's resources in file order and builds the `ProjectModel`. Errors are logged per
/// resource so one run reports all of them; the caller checks the log before rendering anything.
struct ModelBuilder {
    let context: ReadingContext

    func build() -> ProjectModel {
        var model = ProjectModel()
        let globalsFunction = readGlobals()
        var functionNames: [String: YAMLMark] = [:]
        var imageNames: [String: (name: String, mark: YAMLMark)] = [:]
        var tableNames: [String: YAMLMark] = [:]
        var bucketNames: [String: YAMLMark] = [:]
        var apis: [SAMTemplate.Resource] = []
        for resource in context.template.resources {
            do {
                // Only the Condition of a resource esb reads is decided: deciding one for a resource the box
                // ignores could need a parameter nothing esb generates uses (docs/sam-support.md, Conditions).
                if Self.readTypes.contains(resource.type) || Self.isPlainAPIWithBody(resource) {
                    guard try context.resolver.includes(resource) else { continue }
                }
                switch resource.type {
                case "AWS::Serverless::Function":
                    let reader = FunctionReader(
                        context: context, resource: resource, globals: try globals(of: resource, globalsFunction))
                    if context.options.skipUnsupported, let (reason, mark) = reader.unbuildable() {
                        context.log.warn(
                            "function \(resource.logicalID) is left out (--skip-unsupported): \(reason); its events are ignored",
                            at: mark)
                        model.skippedFunctions += 1
                        continue
                    }
                    let function = reader.read()
                    if let function {
                        try claim(function.name, kind: "function", in: &functionNames, at: function.mark)
                        try claimImageName(of: function, in: &imageNames)
                        model.functions.append(function)
                    }
                    // Read the events even when the function failed, so that their errors are reported too.
                    let name = function?.name ?? resource.logicalID
                    let events = EventReader(context: context, resource: resource, functionName: name).read()
                    model.routes += events.routes
                    model.schedules += events.schedules
                case "AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion":
                    _ = try LayerReader(context: context, resource: resource).read(warnIfInS3: true)
                case "AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable":
                    let reader = StorageReader(context: context, resource: resource)
                    let table =
                        resource.type == "AWS::DynamoDB::Table" ? try reader.dynamoTable() : try reader.simpleTable()
                    try claim(table.name, kind: "table", in: &tableNames, at: table.mark)
                    model.tables.append(table)
                case "AWS::S3::Bucket":
                    let bucket = try StorageReader(context: context, resource: resource).bucket()
                    try claim(bucket.name, kind: "bucket", in: &bucketNames, at: bucket.mark)
                    model.buckets.append(bucket)
                case "AWS::Serverless::Api", "AWS::Serverless::HttpApi":
                    // Its CORS settings are applied: the `cors` of its routes (Model/CORSReader.swift).
                    context.log.warn(
                        "\(resource.type) settings (stages, authorizers, domains) are not applied by the box; its routes come from the functions' events and its OpenAPI document's Lambda proxy integrations",
                        at: resource.mark)
                    apis.append(resource)
                case _ where Self.isPlainAPIWithBody(resource):
                    // A plain API with its OpenAPI document inline: its Lambda proxy routes are served as SAM's.
                    context.log.warn(
                        "\(resource.type) settings (stages, CORS, authorizers, domains) are not applied by the box; its routes come from its OpenAPI Body's Lambda proxy integrations",
                        at: resource.mark)
                    apis.append(resource)
                case "AWS::Serverless::Connector":
                    // IAM permissions between resources, as SAM's embedded `Connectors` attribute (SAMTemplate).
                    context.log.noEffect(
                        "connector \(resource.logicalID) (IAM permissions) has no effect in the box",
                        group: "Connectors",
                        at: resource.mark)
                case "AWS::Serverless::Application":
                    context.log.warn(
                        "nested application \(resource.logicalID) (AWS::Serverless::Application) is not generated: esb does not read its template, so its functions and routes are not in the box; its outputs (!GetAtt App.Outputs.Name) are placeholders",
                        at: resource.mark)
                case let type where NoEffectSettings.isNoEffect(resourceType: type):
                    context.log.noEffect(
                        "resource type \(type) has no meaning in the box; \(resource.logicalID) is ignored",
                        group: type, at: resource.mark)
                default:
                    context.log.warn(
                        "resource type \(resource.type) is not supported by esb; \(resource.logicalID) is ignored",
                        at: resource.mark)
                }
            } catch {
                context.log.error(error)
            }
        }
        // After every function is known: an API may come before the functions its document invokes.
        let names = Set(model.functions.map(\.name))
        let all = Set(
            context.template.resources.filter { $0.type == "AWS::Serverless::Function" }.compactMap {
                try? context.resolver.resourceName($0.logicalID)
            })
        var documentRoutes: [String: [RouteSpec]] = [:]
        var documentCORS: [String: CORSReader.OpenAPIExtension] = [:]
        for api in apis {
            do {
                let reading = try OpenAPIRouteReader(
                    context: context, resource: api, functionNames: names, templateFunctionNames: all
                ).read()
                documentRoutes[api.logicalID] = reading?.routes
                documentCORS[api.logicalID] = reading?.cors
            } catch {
                context.log.error(error)
            }
        }
        model.routes = routesOfDocumentedAPIs(model.routes, documents: documentRoutes, functions: names)
        for api in apis { model.routes += documentRoutes[api.logicalID] ?? [] }
        model.routes = uniqueRoutes(model.routes)
        model.routes = routesWithCORS(model.routes, documents: documentCORS)
        return model
    }

    /// Each route with the CORS settings of its API (docs/sam-support.md "CORS"), read once per API that has routes;
    /// `documents` are the `x-amazon-apigateway-cors` of HTTP APIs' OpenAPI documents.
    private func routesWithCORS(
        _ routes: [RouteSpec], documents: [String: CORSReader.OpenAPIExtension]
    ) -> [RouteSpec] {
        let reader = CORSReader(context: context)
        var policies: [String: CORSPolicy] = [:]
        for api in Set(routes.compactMap(\.api)).sorted() {
            policies[api] = reader.policy(ofAPI: api, document: documents[api])
        }
        return routes.map { route in
            var route = route
            route.cors = route.api.flatMap { policies[$0] }
            return route
        }
    }

    /// The resource types `build()` reads; any other one is a warning or counted as having no effect.
    static let readTypes: Set<String> = [
        "AWS::Serverless::Function", "AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion",
        "AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable", "AWS::S3::Bucket", "AWS::Serverless::Api",
        "AWS::Serverless::HttpApi",
    ]

    /// A plain `AWS::ApiGateway::RestApi` / `AWS::ApiGatewayV2::Api` with its OpenAPI document inline (`Body`).
    static func isPlainAPIWithBody(_ resource: SAMTemplate.Resource) -> Bool {
        ["AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"].contains(resource.type)
            && resource.properties["Body"].map { !$0.isNull } ?? false
    }

    private func claim(_ name: String, kind: String, in names: inout [String: YAMLMark], at mark: YAMLMark)
        throws(TemplateError)
    {
        if let first = names[name] {
            throw TemplateError(
                "\(kind) name \(quoted(name)) is already used by the \(kind) at line \(first.line)", at: mark)
        }
        names[name] = mark
    }

    /// Function names that differ only by case (`OrderFn`, `orderfn`) are refused: Docker image names are lower
    /// case, so both would be built as one image (`orderfn:latest`) and each build would replace the other's, and
    /// their `functions/<name>` folders would be one on a case-insensitive file system (docs/sam-support.md).
    private func claimImageName(
        of function: FunctionSpec, in names: inout [String: (name: String, mark: YAMLMark)]
    ) throws(TemplateError) {
        let image = NameRules.imageRepository(function.name)
        if let first = names[image] {
            throw TemplateError(
                "function name \(quoted(function.name)) differs from \(quoted(first.name)) (line \(first.mark.line)) only by case: both would be built as the image \(quoted(image)) (Docker image names are lower case); rename one",
                at: function.mark)
        }
        names[image] = (function.name, function.mark)
    }

    /// The keys esb reads in the Globals sections of APIs.
    static let readInGlobals: [String: Set<String>] = [
        "Api": ["Cors", "MergeDefinitions", "StageName"], "HttpApi": ["CorsConfiguration", "StageName"],
    ]

    /// `Globals.Function`, after warning about unsupported keys and sections.
    private func readGlobals() -> YAMLMappingReader? {
        guard let globals = context.template.globals else { return nil }
        var function: YAMLMappingReader?
        for entry in globals.entries {
            // Globals.Api's MergeDefinitions decides which event routes are served (EventReader); its Cors and
            // Globals.HttpApi's CorsConfiguration are the APIs' (CORSReader); StageName names the stage that
            // `!Ref Api.Stage` stands for (TemplateResolver+APIStages.swift). The rest warns, key by key.
            if let read = Self.readInGlobals[entry.key], let section = try? SAMTemplate.reader(entry.value) {
                context.warnUnsupported(section, supported: read, what: "Globals.\(entry.key)")
                continue
            }
            guard entry.key == "Function" else {
                context.log.warn("Globals.\(entry.key) is not supported by esb; ignored", at: entry.keyNode.mark)
                continue
            }
            do {
                let reader = try SAMTemplate.reader(entry.value)
                context.warnUnsupported(
                    reader, supported: FunctionReader.supportedInGlobals, silent: FunctionReader.silent,
                    what: "Globals.Function")
                function = reader
            } catch {
                context.log.error(error)
            }
        }
        return function
    }

    /// `Globals.Function` as a function sees it: SAM's `IgnoreGlobals` resource attribute (`'*'` or a list of
    /// property names) takes all or part of it away (image functions use it to drop a global Runtime/Handler).
    private func globals(of resource: SAMTemplate.Resource, _ globals: YAMLMappingReader?) throws(TemplateError)
        -> YAMLMappingReader?
    {
        guard let globals, let ignore = resource.body["IgnoreGlobals"] else { return globals }
        if ignore.scalar == "*" { return nil }
        let names = Set((ignore.sequence ?? [ignore]).compactMap(\.scalar))
        let kept = globals.entries.filter { !names.contains($0.key) }.map { YAMLPair(key: $0.keyNode, value: $0.value) }
        return try SAMTemplate.reader(YAMLNode(.mapping(kept), mark: globals.mark))
    }

    /// Event routes without those of `Api` events on an explicit REST API whose own OpenAPI document esb read:
    /// SAM adds no event route to such a document, so AWS serves only what the document says (an event route the
    /// document also gives to the same function is kept; any other is a warning). When the document could not be read,
    /// the event's route stays: it is the best guess of what the document holds.
    private func routesOfDocumentedAPIs(
        _ routes: [RouteSpec], documents: [String: [RouteSpec]], functions: Set<String>
    ) -> [RouteSpec] {
        routes.filter { route in
            guard let api = route.documentedRestAPI, let document = documents[api] else { return true }
            // A function in error has lost its document routes already; its error is what the user must see.
            guard functions.contains(route.function) else { return false }
            let inDocument = document.contains {
                $0.method == route.method && $0.path == route.path && $0.function == route.function
            }
            // The same route in the document: kept, so the event's Auth still applies (uniqueRoutes merges them).
            if inDocument { return true }
            context.log.warn(
                "route \(route.method) \(route.path) of \(route.function) is not added: \(api) has its own OpenAPI document, to which SAM adds no event route; only the document's Lambda proxy integrations are served (or set MergeDefinitions: true)",
                at: route.mark)
            return false
        }
    }

    /// Routes sorted by path and method; a second route for the same path and method is dropped, with a warning when
    /// it names another function or payload version.
    private func uniqueRoutes(_ routes: [RouteSpec]) -> [RouteSpec] {
        var seen: [String: Int] = [:]
        var kept: [RouteSpec] = []
        for route in routes {
            let key = route.method + " " + route.path
            if let index = seen[key] {
                let first = kept[index]
                // An event of a function on an API whose OpenAPI document also has the route: SAM merges the two.
                if first.function == route.function, first.payloadFormat == route.payloadFormat { continue }
                if route.fromHTTPAPIDocument, !first.fromHTTPAPIDocument {
                    // SAM adds an event's integration to an HTTP API's document only where it has none.
                    context.log.warn(
                        "route \(key) of \(first.function) is dropped: the HttpApi's OpenAPI document (line \(route.mark.line)) routes it to \(route.function) (payload \(route.payloadFormat)), which wins as in SAM",
                        at: first.mark)
                    kept[index] = route
                    continue
                }
                context.log.warn(
                    "route \(key) of \(route.function) duplicates the one of \(first.function) (line \(first.mark.line)); the first is kept",
                    at: route.mark)
                continue
            }
            seen[key] = kept.count
            kept.append(route)
        }
        return kept.sorted { ($0.path, $0.method) < ($1.path, $1.method) }
    }
}
