extension APIGatewayEvent {
    /// Payload 1.0, the REST API proxy event: field for field like `sam local generate-event apigateway
    /// aws-proxy` (`Tests/Fixtures/aws-events/apigateway-aws-proxy.json`) and AWS's documentation: header names
    /// as sent with the last value in `headers` and all in `multiValueHeaders`; query parameters decoded, last
    /// value wins in `queryStringParameters`; `null` for absent parameters, stage variables and body.
    public static func restPayload(_ input: ProxyRequestInput) -> [UInt8] {
        var w = JSONWriter(capacity: eventCapacity(input, base: 1536))
        let headers = eventHeaders(of: input)
        let groups = headerGroups(headers)
        let query = QueryParameters(rawQuery: input.rawQuery)
        let resource = input.resourcePath ?? input.rawPath
        let body = body(of: input)
        let domain = domainName(of: input)

        w.beginObject()
        w.key(.resource); w.string(resource)
        w.key(.path); w.string(input.rawPath)
        w.key(.httpMethod); w.string(input.method)

        writeGroups(groups, of: headers, lastValues: .headers, allValues: .multiValueHeaders, to: &w)
        writeGroups(
            query.groups, of: query.pairs, lastValues: .queryStringParameters,
            allValues: .multiValueQueryStringParameters, to: &w)

        w.key(.pathParameters); writePairs(input.pathParameters.isEmpty ? nil : input.pathParameters, to: &w)
        w.key(.stageVariables); writePairs(input.stageVariables, to: &w)

        w.key(.requestContext)
        w.beginObject()
        w.key(.resourceId); w.string(resourceID(method: input.routeMethod ?? input.method, resource: resource))
        w.key(.resourcePath); w.string(resource)
        w.key(.httpMethod); w.string(input.method)
        w.key(.extendedRequestId); w.string(input.requestID)
        w.key(.requestTime); writeRequestTime(input, to: &w)
        w.key(.path); w.string(input.rawPath)
        w.key(.accountId); w.string(input.accountID)
        w.key(.`protocol`); w.string(input.protocolName)
        w.key(.stage); w.string(input.stage)
        w.key(.domainPrefix); w.string(domainPrefix(domain))
        w.key(.requestTimeEpoch); w.int(Int(input.requestTimeEpochMilliseconds))
        w.key(.requestId); w.string(input.requestID)
        w.key(.identity)
        w.beginObject()
        for key in JSONKey.identityNullsBeforeSourceIP { w.key(key); w.null() }
        w.key(.sourceIp); w.string(input.sourceIP)
        // apiKey / apiKeyId: null without a usage plan, as in AWS's documented REST event (docs/events-and-auth.md).
        for key in JSONKey.identityNullsAfterSourceIP { w.key(key); w.null() }
        w.key(.userAgent); w.string(orNull: input.userAgent ?? input.header("User-Agent"))
        w.key(.user); w.null()
        w.endObject()
        w.key(.domainName); w.string(domain)
        w.key(.apiId); w.string(input.apiID)
        if let claims = input.claims {
            w.key(.authorizer)
            w.beginObject()
            w.key(.claims); claims.write(to: &w)
            w.key(.cognitoUsername); w.string(claims.subject)
            w.endObject()
        }
        w.endObject()

        w.key(.body); writeBody(body, to: &w)
        w.key(.isBase64Encoded); w.bool(body.isBase64)
        w.endObject()
        return w.bytes
    }

    /// Writes the member `lastValues` (name → last value: `headers`, `queryStringParameters`) and the member
    /// `allValues` (name → every value: the `multiValue` fields) of grouped fields, each `null` when there are none.
    ///
    /// Each name and value is escaped once: the second object copies the first one's escaped text of a name, and of
    /// the value when the name has one. Escaping each string costs a few hundred instructions whatever its length
    /// (the `Span`, the scan, the generic copy's setup), and a request's headers are most of an event's strings
    /// (docs/performance.md).
    static func writeGroups(
        _ groups: FieldGroups, of fields: [(name: String, value: String)], lastValues: JSONKey, allValues: JSONKey,
        to w: inout JSONWriter
    ) {
        guard !groups.isEmpty else {
            w.key(lastValues); w.null()
            w.key(allValues); w.null()
            return
        }
        w.key(lastValues)
        let start = w.bytes.count
        // Per group: where its `"name":` and its last `"value"` start in the first object's text, and where they end.
        var marks: [(name: Int, value: Int, end: Int)] = []
        marks.reserveCapacity(groups.groups.count)
        w.beginObject()
        for group in groups.groups {
            let name = w.bytes.count + (w.needsComma ? 1 : 0) - start
            w.key(group.name)
            let value = w.bytes.count - start
            w.string(fields[group.last].value)
            marks.append((name, value, w.bytes.count - start))
        }
        w.endObject()
        let text = Array(w.bytes[start...])

        w.key(allValues)
        w.beginObject()
        for (group, mark) in zip(groups.groups, marks) {
            w.separator()
            w.bytes.append(contentsOf: text[mark.name..<mark.value])
            w.needsComma = false
            w.beginArray()
            if group.first == group.last {
                w.literal(text[mark.value..<mark.end])
            } else {
                for i in groups.indices(of: group) { w.string(fields[i].value) }
            }
            w.endArray()
        }
        w.endObject()
    }
}
