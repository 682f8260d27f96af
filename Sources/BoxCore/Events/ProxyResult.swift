import BoxCrypto

/// Maps what the RIE answered to the HTTP response API Gateway would send (docs/contract.md §3.5), for payload 1.0
/// (REST API: strict, like AWS: unknown keys, a missing `statusCode` or a non-string body are malformed) and
/// 2.0 (HTTP API: any JSON; without `statusCode` the result itself is the body, status 200, JSON content type;
/// a bare string result is the body's text).
///
/// Both formats: `Content-Type: application/json` when the function set none; `body` is sent as is (never
/// JSON-quoted again) and base64-decoded when `isBase64Encoded`; header values that are numbers or booleans
/// are written as text; framing headers (`Content-Length`, `Transfer-Encoding`, `Connection`, ...) and values
/// with CR/LF are dropped, since the gateway frames the response itself.
public enum ProxyResult {
    /// The response for a RIE answer.
    /// - Parameters:
    ///   - rieStatus: the RIE's HTTP status (200 for a completed invocation).
    ///   - rieHeaders: the RIE's headers (`X-Amz-Function-Error` marks a failed invocation).
    ///   - payload: the RIE's body: the function's result.
    ///   - parsed: `payload`'s JSON (nil when it is not JSON), parsed by the caller, so the function's result is
    ///     parsed once per request (docs/performance.md).
    ///   - format: the route's payload format.
    /// - Throws: `ProxyResultError` (→ 502).
    public static func response(
        rieStatus: Int, rieHeaders: [(name: String, value: String)], payload: [UInt8], parsed: JSONValue?,
        format: Route.PayloadFormat
    ) throws(ProxyResultError) -> ProxyResponse {
        try response(
            rieStatus: rieStatus,
            functionErrorHeader: rieHeaders.first { ASCII.equalsIgnoringCase($0.name, "X-Amz-Function-Error") }?.value,
            payload: payload, parsed: parsed, format: format)
    }

    /// The same, given only what the RIE's headers say: the value of its `X-Amz-Function-Error`, if any (the gateway
    /// looks it up in its own header list instead of converting the list per request).
    public static func response(
        rieStatus: Int, functionErrorHeader: String?, payload: [UInt8], parsed: JSONValue?,
        format: Route.PayloadFormat
    ) throws(ProxyResultError) -> ProxyResponse {
        if let functionErrorHeader {
            throw errorObject(parsed) ?? .functionError(errorType: functionErrorHeader, errorMessage: nil)
        }
        guard (200...299).contains(rieStatus) else {
            throw errorObject(parsed) ?? .functionError(errorType: nil, errorMessage: "RIE status \(rieStatus)")
        }
        guard let result = parsed else { throw .malformedResult("the result is not JSON") }
        if let error = errorObject(result) { throw error }
        switch format {
        case .v1: return try restResponse(result)
        case .v2: return try httpResponse(result, payload: payload)
        }
    }

    /// An RIE/runtime error object: `errorMessage` and `errorType`, and no key outside `errorObjectKeys`. A result
    /// with other keys is the function's own value (a 2.0 result without `statusCode` is then its body, as AWS
    /// answers a successful invocation).
    static func errorObject(_ value: JSONValue?) -> ProxyResultError? {
        guard case .object(let o)? = value, let type = o["errorType"], let message = o["errorMessage"],
            isErrorObject(value)
        else { return nil }
        return .functionError(
            errorType: type.stringValue ?? type.jsonString, errorMessage: message.stringValue ?? message.jsonString)
    }

    /// The keys of every AWS runtime's error object: Python, Java, .NET and Ruby send `stackTrace`, Node.js
    /// `trace` (docs/gateway.md).
    public static let errorObjectKeys: Set<String> = [
        "errorMessage", "errorType", "stackTrace", "trace", "requestId", "cause", "errorCode",
    ]

    /// True when `value` is an object with `errorMessage` or `errorType` and no key outside `errorObjectKeys`: how
    /// a runtime reports an exception, which the RIE passes on with status 200 and no header.
    public static func isErrorObject(_ value: JSONValue?) -> Bool {
        guard let object = value?.objectValue else { return false }
        guard object.contains(key: "errorMessage") || object.contains(key: "errorType") else { return false }
        return object.members.allSatisfy { errorObjectKeys.contains($0.key) }
    }

    /// The keys a payload 1.0 result may have. A switch, not a `Set`: it runs for every key of every result, and
    /// hashing each key cost more than comparing it with these (docs/performance.md).
    static func isRestKey(_ key: String) -> Bool {
        switch key {
        case "statusCode", "body", "headers", "multiValueHeaders", "isBase64Encoded", "base64Encoded", "cookies": true
        default: false
        }
    }

    static func restResponse(_ result: JSONValue) throws(ProxyResultError) -> ProxyResponse {
        guard case .object(let o) = result else { throw .malformedResult("the result is not a JSON object") }
        if let unknown = o.members.first(where: { !isRestKey($0.key) }) {
            throw .malformedResult("unexpected key '\(unknown.key)'")
        }
        let status = try statusCode(o["statusCode"])
        var headers = try headerFields(o["headers"])
        let multi = try multiValueHeaderFields(o["multiValueHeaders"])
        // multiValueHeaders wins for a name given in both (a set of names: linear, docs/gateway.md).
        if !multi.isEmpty {
            let multiNames = Set(multi.map { ASCII.lowercased($0.name) })
            headers.removeAll { multiNames.contains(ASCII.lowercased($0.name)) }
        }
        headers += multi
        guard headers.count <= maxHeaderFields else {
            throw .malformedResult("\(headers.count) header fields (at most \(maxHeaderFields))")
        }
        let base64 = try flag(o["base64Encoded"] ?? o["isBase64Encoded"])
        let body: [UInt8]
        switch o["body"] {
        case nil, .null?: body = []
        case .string(let s)?: body = try decodeBody(s, base64: base64)
        default: throw .malformedResult("body is not a string")
        }
        return finish(
            status: status, headers: headers, body: body, defaultContentType: !nullsContentType(o["headers"]))
    }

    static func httpResponse(_ result: JSONValue, payload: [UInt8]) throws(ProxyResultError) -> ProxyResponse {
        guard case .object(let o) = result, o.contains(key: "statusCode") else {
            // No statusCode: the result is the body, status 200, JSON content type (AWS's payload 2.0 inference).
            // A string result is the body's text (AWS's example: "Hello from Lambda!" → that text); anything else
            // is its JSON text as the function produced it.
            if case .string(let text) = result { return finish(status: 200, headers: [], body: Array(text.utf8)) }
            return finish(status: 200, headers: [], body: trimmedJSON(payload))
        }
        let status = try statusCode(o["statusCode"])
        var headers = try headerFields(o["headers"])
        if case .array(let cookies)? = o["cookies"] {
            for case .string(let cookie) in cookies where isSafeValue(cookie) {
                headers.append((name: "Set-Cookie", value: cookie))
            }
        }
        guard headers.count <= maxHeaderFields else {
            throw .malformedResult("\(headers.count) header fields (at most \(maxHeaderFields))")
        }
        let base64 = try flag(o["isBase64Encoded"])
        let body: [UInt8]
        switch o["body"] {
        case nil, .null?: body = []
        case .string(let s)?: body = try decodeBody(s, base64: base64)
        case let other?: body = other.serialized()
        }
        return finish(
            status: status, headers: headers, body: body, defaultContentType: !nullsContentType(o["headers"]))
    }

    static func finish(
        status: Int, headers: [(name: String, value: String)], body: [UInt8], defaultContentType: Bool = true
    ) -> ProxyResponse {
        var fields: [(name: String, value: String)] = []
        fields.reserveCapacity(headers.count + 1)
        for field in headers where isSafeName(field.name) && isSafeValue(field.value) && !isFraming(field.name) {
            // The gateway sends its own `Date`, and a response has one: a function's goes out under the name API
            // Gateway remaps it to (docs/events-and-auth.md).
            if field.name.utf8.count == 4, ASCII.equalsIgnoringCase(field.name, "Date") {
                fields.append((name: "x-amzn-Remapped-Date", value: field.value))
            } else {
                fields.append(field)
            }
        }
        if defaultContentType && !fields.contains(where: { ASCII.equalsIgnoringCase($0.name, "Content-Type") }) {
            fields.append((name: "Content-Type", value: "application/json"))
        }
        return ProxyResponse(status: status, headers: fields, body: body)
    }

    /// True when the result's `headers` set `Content-Type` to `null`: API Gateway then sends no Content-Type
    /// instead of its `application/json` default (a function's way to say "none", which ASP.NET hosting on Lambda
    /// relies on; docs/events-and-auth.md).
    static func nullsContentType(_ headers: JSONValue?) -> Bool {
        guard case .object(let o)? = headers else { return false }
        return o.members.contains { ASCII.equalsIgnoringCase($0.key, "Content-Type") && $0.value == .null }
    }

    /// Most header lines (headers, multi-value entries and cookies together) a result may ask for: more is a
    /// malformed result (502). API Gateway's own limit is far lower; this one keeps a hostile result from
    /// occupying the gateway's loop (docs/gateway.md).
    public static let maxHeaderFields = 10_000

    /// The status of a result: 200–599. A 1xx would go out as an interim response and leave the client waiting
    /// for the real one until the idle close, so it is malformed (502), as API Gateway treats it.
    static func statusCode(_ value: JSONValue?) throws(ProxyResultError) -> Int {
        let code: Int?
        switch value {
        case .number(let n)?: code = n.intValue
        case .string(let s)?: code = Int(s)  // "200" is accepted by API Gateway as well
        default: code = nil
        }
        guard let code, (200...599).contains(code) else {
            throw .malformedResult(
                value == nil ? "no statusCode" : "statusCode \(value!.jsonString) is not an HTTP status")
        }
        return code
    }

    static func flag(_ value: JSONValue?) throws(ProxyResultError) -> Bool {
        switch value {
        case nil, .null?: return false
        case .bool(let b)?: return b
        case .string(let s)? where s == "true" || s == "True": return true
        case .string(let s)? where s == "false" || s == "False": return false
        default: throw .malformedResult("isBase64Encoded is not a boolean")
        }
    }

    static func decodeBody(_ text: String, base64: Bool) throws(ProxyResultError) -> [UInt8] {
        guard base64 else { return Array(text.utf8) }
        guard let bytes = Base64.decode(text) else { throw .malformedResult("body is not valid base64") }
        return bytes
    }

    static func headerValue(_ value: JSONValue, name: String) throws(ProxyResultError) -> String? {
        switch value {
        case .string(let s): return s
        case .number(let n): return n.text
        case .bool(let b): return b ? "true" : "false"
        case .null: return nil
        default: throw .malformedResult("header '\(name)' is not a string")
        }
    }

    static func headerFields(_ value: JSONValue?) throws(ProxyResultError) -> [(name: String, value: String)] {
        switch value {
        case nil, .null?: return []
        case .object(let o)?:
            var out: [(name: String, value: String)] = []
            for m in o.members {
                if let v = try headerValue(m.value, name: m.key) { out.append((m.key, v)) }
            }
            return out
        default: throw .malformedResult("headers is not an object")
        }
    }

    static func multiValueHeaderFields(_ value: JSONValue?) throws(ProxyResultError) -> [(name: String, value: String)]
    {
        switch value {
        case nil, .null?: return []
        case .object(let o)?:
            var out: [(name: String, value: String)] = []
            for m in o.members {
                switch m.value {
                case .null: continue
                case .array(let values):
                    for v in values {
                        if let text = try headerValue(v, name: m.key) { out.append((m.key, text)) }
                    }
                default: throw .malformedResult("multiValueHeaders '\(m.key)' is not a list")
                }
            }
            return out
        default: throw .malformedResult("multiValueHeaders is not an object")
        }
    }

    static func isFraming(_ name: String) -> Bool {
        framing.contains { ASCII.equalsIgnoringCase($0, name) }
    }

    static let framing = [
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "TE", "Trailer",
    ]

    /// RFC 9110 token characters only.
    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                    || "!#$%&'*+-.^_`|~".utf8.contains(b)
            }
    }

    /// No CR, LF or NUL: a value must not be able to start a new header line.
    static func isSafeValue(_ value: String) -> Bool {
        !value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }

    /// The payload without surrounding whitespace (the RIE may end it with a newline).
    static func trimmedJSON(_ payload: [UInt8]) -> [UInt8] {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        guard let first = payload.firstIndex(where: { !isSpace($0) }),
            let last = payload.lastIndex(where: { !isSpace($0) })
        else { return [] }
        return Array(payload[first...last])
    }
}
