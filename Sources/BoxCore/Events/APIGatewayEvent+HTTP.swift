extension APIGatewayEvent {
    /// Payload 2.0, the HTTP API event: field for field like `sam local generate-event apigateway
    /// http-api-proxy` (`Tests/Fixtures/aws-events/apigateway-http-api-proxy.json`) and AWS's documentation:
    /// header names lower-cased with repeated values comma-joined, `Cookie` moved to `cookies`, query values
    /// comma-joined; absent cookies, query, body, path parameters and stage variables are left out.
    public static func httpPayload(_ input: ProxyRequestInput) -> [UInt8] {
        var w = JSONWriter(capacity: eventCapacity(input, base: 1280))
        let headers = eventHeaders(of: input)
        let groups = headerGroups(headers, excluding: "Cookie")
        let query = QueryParameters(rawQuery: input.rawQuery)
        let body = body(of: input)
        let domain = domainName(of: input)
        let routeKey = input.resourcePath.map { "\(input.routeMethod ?? input.method) \($0)" } ?? "$default"

        w.beginObject()
        w.key(.version); w.string("2.0")
        w.key(.routeKey); w.string(routeKey)
        w.key(.rawPath); w.string(input.rawPath)
        w.key(.rawQueryString); w.string(input.rawQuery ?? "")

        var cookies: [Substring] = []
        for field in headers where ASCII.equalsIgnoringCase(field.name, "Cookie") {
            for part in field.value.split(separator: ";") {
                let cookie = part.trimmingBlanks()
                if !cookie.isEmpty { cookies.append(cookie) }
            }
        }
        if !cookies.isEmpty {
            w.key(.cookies)
            w.beginArray()
            for cookie in cookies { w.string(String(cookie)) }
            w.endArray()
        }

        if !groups.isEmpty {
            w.key(.headers); writeJoinedGroups(groups, of: headers, lowercasingNames: true, to: &w)
        }
        if !query.isEmpty {
            w.key(.queryStringParameters); writeJoinedGroups(query.groups, of: query.pairs, to: &w)
        }

        w.key(.requestContext)
        w.beginObject()
        w.key(.accountId); w.string(input.accountID)
        w.key(.apiId); w.string(input.apiID)
        if let claims = input.claims {
            w.key(.authorizer)
            w.beginObject()
            w.key(.jwt)
            w.beginObject()
            w.key(.claims); claims.write(to: &w)
            w.key(.scopes); w.null()
            w.endObject()
            w.endObject()
        }
        w.key(.domainName); w.string(domain)
        w.key(.domainPrefix); w.string(domainPrefix(domain))
        w.key(.http)
        w.beginObject()
        w.key(.method); w.string(input.method)
        w.key(.path); w.string(PercentDecoding.decode(input.rawPath.utf8))
        w.key(.`protocol`); w.string(input.protocolName)
        w.key(.sourceIp); w.string(input.sourceIP)
        w.key(.userAgent); w.string(input.userAgent ?? input.header("User-Agent") ?? "")
        w.endObject()
        w.key(.requestId); w.string(input.requestID)
        w.key(.routeKey); w.string(routeKey)
        w.key(.stage); w.string(input.stage)
        w.key(.time); writeRequestTime(input, to: &w)
        w.key(.timeEpoch); w.int(Int(input.requestTimeEpochMilliseconds))
        w.endObject()

        if case .none = body {
        } else {
            w.key(.body); writeBody(body, to: &w)
        }
        if !input.pathParameters.isEmpty {
            w.key(.pathParameters); writePairs(input.pathParameters, to: &w)
        }
        w.key(.isBase64Encoded); w.bool(body.isBase64)
        if let stageVariables = input.stageVariables {
            w.key(.stageVariables); writePairs(stageVariables, to: &w)
        }
        w.endObject()
        return w.bytes
    }

    /// Writes name → the group's values joined by `,` (names lower-cased for headers), with no temporary Strings.
    static func writeJoinedGroups(
        _ groups: FieldGroups, of fields: [(name: String, value: String)], lowercasingNames: Bool = false,
        to w: inout JSONWriter
    ) {
        w.beginObject()
        for group in groups.groups {
            if lowercasingNames { w.keyLowercased(group.name) } else { w.key(group.name) }
            w.beginStringValue()
            for i in groups.indices(of: group) {
                if i != group.first { w.bytes.append(UInt8(ascii: ",")) }
                w.appendStringContent(fields[i].value)
            }
            w.endStringValue()
        }
        w.endObject()
    }
}
