import YAML

/// Routes of an explicit `AWS::Serverless::Api` / `HttpApi` whose OpenAPI document (`DefinitionBody` inline or
/// as a local `AWS::Include`, or a local `DefinitionUri`) sends operations to a function of the template through
/// a Lambda proxy integration (`x-amazon-apigateway-integration` of type `aws_proxy`), as `sam local start-api`
/// reads them (docs/sam-support.md). Everything else in the document (other integration types, authorizers,
/// models) is not applied: integrations the box cannot serve are warnings.
struct OpenAPIRouteReader {
    static let operations: [String: String] = [
        "get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE", "head": "HEAD",
        "options": "OPTIONS", "x-amazon-apigateway-any-method": "ANY",
    ]

    let context: ReadingContext
    let resource: SAMTemplate.Resource
    /// Box names of the functions generated: an integration that names another function is not a route here.
    let functionNames: Set<String>
    /// Box names of every function of the template, also those left out (`--skip-unsupported`) or in error:
    /// their routes are dropped without a second message.
    let templateFunctionNames: Set<String>

    var isHTTPAPI: Bool { ["AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Api"].contains(resource.type) }
    /// SAM's `DefinitionBody`, or CloudFormation's `Body` of a plain `AWS::ApiGateway::RestApi` /
    /// `AWS::ApiGatewayV2::Api` (which SAM passes through as written).
    var bodyKey: String { resource.type.hasPrefix("AWS::Serverless::") ? "DefinitionBody" : "Body" }

    /// What esb reads of an API's OpenAPI document: its Lambda proxy routes and, for an `AWS::Serverless::HttpApi`,
    /// its `x-amazon-apigateway-cors` (applied by `CORSReader`).
    struct Reading {
        var routes: [RouteSpec]
        var cors: CORSReader.OpenAPIExtension?
    }

    /// The document's routes and CORS extension; nil when the API has no document esb can read (said in a warning).
    func read() throws(TemplateError) -> Reading? {
        guard let (document, origin) = try document() else { return nil }
        // AWS documents x-amazon-apigateway-cors for HTTP APIs only; a REST API's CORS in its document is OPTIONS
        // mock integrations, which are not the box's (docs/sam-support.md "CORS"). A plain AWS::ApiGatewayV2::Api
        // applies no CORS setting in the box.
        var cors: CORSReader.OpenAPIExtension?
        if resource.type == "AWS::Serverless::HttpApi", let node = document[CORSReader.OpenAPIExtension.key],
            !node.isNull
        {
            cors = CORSReader.OpenAPIExtension(node: node, origin: origin)
        }
        return Reading(routes: try routes(of: document, origin: origin), cors: cors)
    }

    /// The document's Lambda proxy routes.
    private func routes(of document: YAMLNode, origin: YAMLMark?) throws(TemplateError) -> [RouteSpec] {
        guard let paths = document["paths"], let pairs = paths.mapping else { return [] }
        var routes: [RouteSpec] = []
        for pathPair in pairs {
            guard let rawPath = pathPair.key.scalar, let operations = pathPair.value.mapping else { continue }
            for operation in operations {
                guard let key = operation.key.scalar, let method = Self.operations[key.lowercased()] else { continue }
                let mark = origin ?? operation.key.mark
                let place = origin == nil ? "" : " (\(rawPath) \(method) in the included document)"
                guard let integration = operation.value["x-amazon-apigateway-integration"] else { continue }
                do {
                    guard let function = try proxyFunction(integration, mark: mark, place: place) else { continue }
                    routes += try self.routes(
                        rawPath: rawPath, method: method, function: function, integration: integration, mark: mark,
                        place: place)
                } catch {
                    // The document is API Gateway's, not the box's: a part esb cannot evaluate costs that route only.
                    context.log.warn(
                        "\(error.message)\(place); route \(method) \(rawPath) ignored", at: origin ?? error.mark)
                }
            }
        }
        return routes
    }

    /// `rawPath` + `method` as box routes: HTTP API's `$default` is everything (`/` and `/{proxy+}`, ANY).
    private func routes(
        rawPath: String, method: String, function: String, integration: YAMLNode, mark: YAMLMark, place: String
    ) throws(TemplateError) -> [RouteSpec] {
        // A document must name the HTTP API payload version; API Gateway's own default is 1.0.
        var payload = "1.0"
        if isHTTPAPI, let node = integration["payloadFormatVersion"] {
            payload = try context.resolver.resolve(node).string("payloadFormatVersion")
            guard payload == "1.0" || payload == "2.0" else {
                context.log.warn(
                    "payloadFormatVersion must be \"1.0\" or \"2.0\", found \(quoted(payload))\(place); route ignored",
                    at: mark)
                return []
            }
        }
        if isHTTPAPI, rawPath == "$default" {
            return ["/", "/{proxy+}"].map {
                RouteSpec(
                    path: $0, method: "ANY", function: function, payloadFormat: payload, auth: "jwt", mark: mark,
                    fromHTTPAPIDocument: true, api: resource.logicalID)
            }
        }
        let path = EventReader.normalizedPath(rawPath)
        do {
            try EventReader.checkPath(path, at: mark)
        } catch {
            context.log.warn("\(error.message)\(place); route ignored", at: mark)
            return []
        }
        return [
            RouteSpec(
                path: path, method: method, function: function, payloadFormat: payload, auth: "jwt", mark: mark,
                fromHTTPAPIDocument: isHTTPAPI, api: resource.logicalID)
        ]
    }

    /// The box name of the function an `aws_proxy` integration invokes; nil (with a warning where the box loses a
    /// route) for other integrations.
    private func proxyFunction(_ integration: YAMLNode, mark: YAMLMark, place: String) throws(TemplateError)
        -> String?
    {
        let resolver = context.resolver
        let type = try integration["type"].map { n throws(TemplateError) in try resolver.resolve(n).string("type") }
        // HTTP and mock integrations are not the box's: their URI (often a parameter, a load balancer's address)
        // is not resolved, so a parameter used only there does not need a value.
        if let type, ["http", "http_proxy", "mock"].contains(type.lowercased()) { return nil }
        guard let uriNode = integration["uri"] else {
            // An HTTP API's AWS service integration (SQS-SendMessage, EventBridge-PutEvents...).
            if let subtype = integration["integrationSubtype"]?.scalar {
                context.log.warn(
                    "integration \(quoted(subtype)) (an AWS service integration) is not supported by the box\(place); route ignored",
                    at: mark)
            }
            return nil
        }
        let isAWS = type?.lowercased() == "aws"
        // A service integration's URI (a queue's path, a table's action) is not the box's: a parameter without a
        // value there is not needed.
        let uri =
            isAWS && resolver.missingParameter(in: uriNode) != nil
            ? TemplateValue.string("", at: uriNode.mark, known: false) : try resolver.resolve(uriNode)
        guard case .string(let text) = uri.kind, let name = Self.lambdaFunctionName(inIntegrationURI: text) else {
            if isAWS {
                // A REST API's AWS service integration (SQS SendMessage, DynamoDB PutItem, Step Functions...).
                var service: String?
                if case .string(let text) = uri.kind, uri.isKnown { service = Self.serviceName(inIntegrationURI: text) }
                context.log.warn(
                    "integration of type \"aws\" to \(service.map { "the AWS service " + $0 } ?? "an AWS service") (an AWS service integration) is not supported by the box\(place); route ignored",
                    at: mark)
                return nil
            }
            if type?.lowercased() != "aws_proxy" { return nil }
            context.log.warn("integration URI does not name a Lambda function\(place); route ignored", at: mark)
            return nil
        }
        guard type?.lowercased() == "aws_proxy" else {
            context.log.warn(
                "integration of type \(quoted(type ?? "none")) for function \(name) is not supported by the box (only Lambda proxy integrations, aws_proxy)\(place); route ignored",
                at: mark)
            return nil
        }
        if uri.isKnown, !functionNames.contains(name), templateFunctionNames.contains(name) { return nil }
        guard uri.isKnown, functionNames.contains(name) else {
            context.log.warn(
                "integration invokes function \(quoted(name)), which is not a function of this template\(place); route ignored",
                at: mark)
            return nil
        }
        return name
    }

    /// `arn:aws:apigateway:REGION:SERVICE:action/...` or `...:SERVICE:path/...` → `SERVICE` (`sqs`, `dynamodb`).
    static func serviceName(inIntegrationURI uri: String) -> String? {
        let parts = uri.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "apigateway", !parts[4].isEmpty else { return nil }
        return String(parts[4])
    }

    /// `arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]/invocations`
    /// → `NAME` (the box runs one version, so the qualifier is dropped). The response-streaming form
    /// (`path/2021-11-15/functions/.../response-streaming-invocations`) names its function the same way, and so
    /// does a bare function ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`), which HTTP APIs accept.
    static func lambdaFunctionName(inIntegrationURI uri: String) -> String? {
        // HTTP APIs also take the function's ARN itself (`uri: !GetAtt Fn.Arn`).
        if uri.hasPrefix("arn:"), uri.split(separator: ":").dropFirst(2).first == "lambda",
            let function = uri.range(of: ":function:")
        {
            let name = uri[function.upperBound...].split(separator: ":", omittingEmptySubsequences: false)[0]
            return name.isEmpty || name.contains("/") ? nil : String(name)
        }
        guard let path = uri.range(of: ":lambda:path/"),
            let functions = uri.range(of: "/functions/", range: path.upperBound..<uri.endIndex),
            let end = uri.range(of: "/", options: .backwards, range: functions.upperBound..<uri.endIndex),
            ["invocations", "response-streaming-invocations"].contains(uri[end.upperBound...])
        else { return nil }
        let target = uri[functions.upperBound..<end.lowerBound]
        guard let function = target.range(of: ":function:") else { return target.isEmpty ? nil : String(target) }
        let name = target[function.upperBound...].split(separator: ":", omittingEmptySubsequences: false)[0]
        return name.isEmpty ? nil : String(name)
    }

    // MARK: The document

    /// The OpenAPI document and, when it comes from another file, the template position to report its problems
    /// at (positions inside that file would be read as template.yaml's).
    private func document() throws(TemplateError) -> (YAMLNode, YAMLMark?)? {
        if let body = resource.properties[bodyKey], !body.isNull {
            guard let call = Intrinsic(body) else { return (body, nil) }
            // A document chosen by Fn::If (or made by another function) is not read: its routes are unknown.
            return call.name == "Fn::Transform" ? try included(call) : nil
        }
        guard let uriNode = resource.properties["DefinitionUri"], !uriNode.isNull else { return nil }
        if let parameter = context.resolver.missingParameter(in: uriNode) {
            context.log.warn(
                "DefinitionUri depends on parameter \(parameter), which has no value; routes of its Lambda proxy integrations are missing",
                at: uriNode.mark)
            return nil
        }
        let uri = try context.resolver.resolve(uriNode)
        guard case .string(let path) = uri.kind, !path.contains("://") else {
            context.log.warn(
                "DefinitionUri is not a local file (S3 or another URL) and cannot be read here; routes of its Lambda proxy integrations are missing",
                at: uri.mark)
            return nil
        }
        return try localDocument(path, what: "DefinitionUri", at: uri.mark)
    }

    /// `Fn::Transform: {Name: AWS::Include, Parameters: {Location: ./api.yaml}}` with a local Location.
    private func included(_ call: Intrinsic) throws(TemplateError) -> (YAMLNode, YAMLMark?)? {
        // A Location from a parameter without a value (often an S3 URL given at deploy time) cannot be read.
        if let parameter = context.resolver.missingParameter(in: call.argument) {
            context.log.warn(
                "\(bodyKey) is included from a Location that depends on parameter \(parameter), which has no value; routes of its Lambda proxy integrations are missing",
                at: call.mark)
            return nil
        }
        let transform = try context.resolver.resolve(call.argument)
        let name = transform["Name"].flatMap { v -> String? in
            if case .string(let s) = v.kind { return s }
            return nil
        }
        guard name == "AWS::Include", let location = transform["Parameters"]?["Location"],
            case .string(let path) = location.kind, !path.contains("://"), location.isKnown
        else {
            context.log.warn(
                "\(bodyKey) is made by Fn::Transform from a document esb cannot read (only AWS::Include of a local file); routes of its Lambda proxy integrations are missing",
                at: call.mark)
            return nil
        }
        return try localDocument(path, what: "AWS::Include Location", at: location.mark)
    }

    private func localDocument(_ path: String, what: String, at mark: YAMLMark) throws(TemplateError) -> (
        YAMLNode, YAMLMark?
    )? {
        let full = PathTools.join(context.options.templateDirectory, path)
        guard let text = context.fileSystem.readText(full) else {
            throw TemplateError("\(what) \(quoted(path)) is not a readable file", at: mark)
        }
        do {
            var node = try YAMLDocument.parse(text, path: path)
            TemplatePrepass.apply(to: &node, log: DiagnosticLog(path: path))
            return (node, mark)
        } catch {
            throw TemplateError("\(what) \(quoted(path)):\(error.line):\(error.column): \(error.message)", at: mark)
        }
    }
}
