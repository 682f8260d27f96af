import YAML

/// The stage and deployment SAM generates for each API, as templates refer to them (docs/sam-support.md,
/// "Intrinsic functions"): `!Ref MyApi.Stage` and `${MyApi.Stage}` are the stage's name, `!Ref MyApi.Deployment`
/// a deployment id, and the stage's generated logical id (`MyApi<StageName>Stage`, `ServerlessRestApiProdStage`,
/// `<HttpApi>ApiGatewayDefaultStage`) the stage's name, which is what `Ref` of a stage returns on AWS. The box
/// serves no stages, so these are only values a function may receive.
extension TemplateResolver {
    /// One API whose stage templates may name: its logical id, whether it is an HTTP API, and its `StageName`.
    private struct APIStage {
        var logicalID: String
        var http: Bool
        /// The stage node as written (nil: the default stage), for the generated logical id.
        var stageNode: YAMLNode?
    }

    /// The stage name or deployment id `name` stands for (`Api.Stage`, `Api.Deployment`, a generated stage id);
    /// nil when `name` is none of them.
    func apiStageReference(_ name: String, at mark: YAMLMark) throws(TemplateError) -> TemplateValue? {
        if let dot = name.firstIndex(of: ".") {
            return try apiAttribute(of: String(name[..<dot]), String(name[name.index(after: dot)...]), at: mark)
        }
        guard name.hasSuffix("Stage") else { return nil }
        for api in allAPIStages() where name.hasPrefix(api.logicalID) {
            if try generatedStageIDs(api).contains(name) { return try stageName(api, at: mark) }
        }
        return nil
    }

    /// Said after an unresolved `name` that looks like the stage id of an API whose `StageName` is not alphanumeric
    /// (`v1.0`): SAM does not drop the other characters (no `MyApiv10Stage`) but names that stage `<Api>Stage` and
    /// a hash of the name, which esb does not compute (docs/sam-support.md "Intrinsic functions").
    func hashedStageHint(_ name: String) -> String? {
        for api in allAPIStages() where name.hasPrefix(api.logicalID) && name.count > api.logicalID.count {
            guard name.hasSuffix("Stage") || name.dropFirst(api.logicalID.count).hasPrefix("Stage"),
                let node = api.stageNode, Intrinsic(node) == nil, let text = node.scalar,
                !(api.http && text == "$default"), !Self.isAlphanumeric(text)
            else { continue }
            return
                "; SAM names the stage of \(api.logicalID) (StageName \(quoted(text)), not alphanumeric) \(api.logicalID)Stage followed by a hash of the name, which esb does not compute: use !Ref \(api.logicalID).Stage for its name"
        }
        return nil
    }

    /// `Stage` and `Deployment` of the SAM API `logicalID` (also an implicit one); nil for any other attribute or
    /// resource.
    func apiAttribute(of logicalID: String, _ attribute: String, at mark: YAMLMark) throws(TemplateError)
        -> TemplateValue?
    {
        guard let api = apiStage(logicalID) else { return nil }
        return try apiAttribute(api, attribute, at: mark)
    }

    private func apiAttribute(_ api: APIStage, _ attribute: String, at mark: YAMLMark) throws(TemplateError)
        -> TemplateValue?
    {
        switch attribute {
        case "Stage": return try stageName(api, at: mark)
        case "Deployment":
            // Deterministic: the API's box name and `-deployment` (AWS makes a random id per deployment).
            let apiName =
                template.resource(api.logicalID) == nil
                ? NameRules.kebabCase(api.logicalID) : try resourceName(api.logicalID)
            return .string(apiName + "-deployment", at: mark)
        default: return nil
        }
    }

    /// The SAM API `id` (an `AWS::Serverless::Api` / `HttpApi` of the template, or an implicit API).
    private func apiStage(_ id: String) -> APIStage? {
        if let resource = template.resource(id) {
            switch resource.type {
            case "AWS::Serverless::Api", "AWS::Serverless::HttpApi":
                let http = resource.type == "AWS::Serverless::HttpApi"
                return APIStage(logicalID: id, http: http, stageNode: stageNode(resource.properties, http: http))
            default: return nil
            }
        }
        switch id {
        case CORSReader.implicitRestAPI, CORSReader.implicitHTTPAPI:
            let http = id == CORSReader.implicitHTTPAPI
            return APIStage(logicalID: id, http: http, stageNode: stageNode(nil, http: http))
        default: return nil
        }
    }

    private func allAPIStages() -> [APIStage] {
        let ids =
            template.resources.filter { ["AWS::Serverless::Api", "AWS::Serverless::HttpApi"].contains($0.type) }.map(
                \.logicalID) + [CORSReader.implicitRestAPI, CORSReader.implicitHTTPAPI]
        return ids.compactMap { apiStage($0) }
    }

    /// The API's own `StageName`, else `Globals.Api` / `Globals.HttpApi`'s (SAM merges Globals into every API).
    private func stageNode(_ properties: YAMLMappingReader?, http: Bool) -> YAMLNode? {
        if let node = properties?["StageName"], !node.isNull { return node }
        guard let node = template.globals?[http ? "HttpApi" : "Api"]?["StageName"], !node.isNull else { return nil }
        return node
    }

    /// The stage's name: its `StageName`, else SAM's default (`Prod` for a REST API, `$default` for an HTTP API).
    private func stageName(_ api: APIStage, at mark: YAMLMark) throws(TemplateError) -> TemplateValue {
        guard let node = api.stageNode else { return .string(api.http ? "$default" : "Prod", at: mark) }
        var value = try resolve(node)
        value.mark = mark
        return value
    }

    /// A stage name SAM puts into the stage's logical id as it is (letters and digits only).
    private static func isAlphanumeric(_ text: String) -> Bool {
        !text.isEmpty
            && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }

    /// The logical ids SAM gives the stage: `<Api><StageName>Stage` for an alphanumeric name, `<Api>Stage` for a
    /// name made by an intrinsic function (also `<Api><value>Stage`, the value it resolves to),
    /// `<Api>ApiGatewayDefaultStage` for an HTTP API's `$default`.
    private func generatedStageIDs(_ api: APIStage) throws(TemplateError) -> [String] {
        let isAlphanumeric = Self.isAlphanumeric
        guard let node = api.stageNode else {
            return [api.logicalID + (api.http ? "ApiGatewayDefaultStage" : "ProdStage")]
        }
        if Intrinsic(node) != nil {
            let value = try resolve(node)
            guard case .string(let text) = value.kind, value.isKnown, isAlphanumeric(text) else {
                return [api.logicalID + "Stage"]
            }
            return [api.logicalID + "Stage", api.logicalID + text + "Stage"]
        }
        guard let text = node.scalar else { return [] }
        if api.http, text == "$default" { return [api.logicalID + "ApiGatewayDefaultStage"] }
        return isAlphanumeric(text) ? [api.logicalID + text + "Stage"] : []
    }
}
