/// Builds the Lambda event of a proxied request exactly as API Gateway shapes it (docs/contract.md §3.4):
/// payload 1.0 (REST API proxy event) and 2.0 (HTTP API event), written straight to JSON bytes.
///
/// Decisions where AWS depends on deployment details (docs/events-and-auth.md): `path` / `rawPath` are the
/// path as sent (a custom domain without a stage prefix); 2.0's `requestContext.http.path` is its
/// percent-decoded form; `X-Amzn-Trace-Id` is added to the headers when the client sent none.
public enum APIGatewayEvent {
    /// The event in the route's payload format.
    public static func payload(_ input: ProxyRequestInput, format: Route.PayloadFormat) -> [UInt8] {
        switch format {
        case .v1: restPayload(input)
        case .v2: httpPayload(input)
        }
    }

    // MARK: Shared pieces

    /// How the body goes into the event.
    enum Body {
        case none
        case text(String)
        case base64([UInt8])

        var isBase64: Bool { if case .base64 = self { true } else { false } }
    }

    /// Base64 when the bytes are not UTF-8, the Content-Type is a binary media type, or a Content-Encoding
    /// (other than `identity`) says the bytes are compressed; text otherwise; nothing for an empty body.
    static func body(of input: ProxyRequestInput) -> Body {
        guard !input.body.isEmpty else { return .none }
        if let encoding = input.header("Content-Encoding") {
            let e = encoding.trimmingBlanks()
            if !e.isEmpty && e.lowercased() != "identity" { return .base64(input.body) }
        }
        if input.binaryMediaTypes.matches(contentType: input.header("Content-Type")) { return .base64(input.body) }
        guard let text = String(validating: input.body, as: UTF8.self) else { return .base64(input.body) }
        return .text(text)
    }

    /// The headers as the event shows them: the client's, plus `X-Amzn-Trace-Id` when it sent none.
    static func eventHeaders(of input: ProxyRequestInput) -> [(name: String, value: String)] {
        guard let traceID = input.traceID, input.header("X-Amzn-Trace-Id") == nil else { return input.headers }
        return input.headers + [(name: "X-Amzn-Trace-Id", value: traceID)]
    }

    /// `domainName`: given, or the Host header without its port (`[::1]:8443` → `[::1]`), or `localhost`.
    static func domainName(of input: ProxyRequestInput) -> String {
        if let given = input.domainName { return given }
        guard let host = input.header("Host"), !host.isEmpty else { return "localhost" }
        // Bytes, not Characters, and on the String's own UTF-8 view (no copy): this runs per request.
        let utf8 = host.utf8
        if utf8.first == UInt8(ascii: "["), let close = host.firstIndex(ofASCII: UInt8(ascii: "]")) {
            return String(host[...close])
        }
        if let colon = host.firstIndex(ofASCII: UInt8(ascii: ":")), host.lastIndex(ofASCII: UInt8(ascii: ":")) == colon
        {
            return String(host[..<colon])
        }
        return host
    }

    /// `domainPrefix`: the first label of the domain name.
    static func domainPrefix(_ domain: String) -> String {
        let utf8 = domain.utf8
        guard utf8.first != UInt8(ascii: "["), let dot = domain.firstIndex(ofASCII: UInt8(ascii: ".")) else {
            return domain
        }
        return String(domain[..<dot])
    }

    /// A stable 6-character `resourceId` for a route (AWS assigns a random one per resource).
    static func resourceID(method: String, resource: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for b in method.utf8 { hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        hash = (hash ^ 0x20) &* 0x0000_0100_0000_01B3
        for b in resource.utf8 { hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        var out: [UInt8] = []
        out.reserveCapacity(6)
        for _ in 0..<6 {
            out.append(resourceIDAlphabet[Int(hash % 36)])
            hash /= 36
        }
        return String(decoding: out, as: UTF8.self)
    }

    static let resourceIDAlphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// Room for the whole event at once (a writer that grows copies the event each time): the fixed part, each
    /// header twice (`headers` and `multiValueHeaders`, with quotes and escapes), the path a few times and the
    /// body, as text or base64.
    static func eventCapacity(_ input: ProxyRequestInput, base: Int) -> Int {
        var headerBytes = 0
        for field in input.headers { headerBytes += field.name.utf8.count + field.value.utf8.count + 8 }
        return base + 2 * headerBytes + 4 * input.rawPath.utf8.count + 2 * (input.rawQuery?.utf8.count ?? 0)
            + input.body.count * 4 / 3
    }

    /// Writes an object of name → value pairs, or `null` when `pairs` is nil.
    static func writePairs(_ pairs: [(name: String, value: String)]?, to w: inout JSONWriter) {
        guard let pairs else {
            w.null()
            return
        }
        w.beginObject()
        for pair in pairs {
            w.key(pair.name)
            w.string(pair.value)
        }
        w.endObject()
    }

    /// `requestTime` / `time`: `06/Dec/2026:10:15:30 +0000`, written straight into the event (no String between).
    static func writeRequestTime(_ input: ProxyRequestInput, to w: inout JSONWriter) {
        w.beginStringValue()
        UTCTime(epochMilliseconds: input.requestTimeEpochMilliseconds).appendAPIGatewayFormat(to: &w.bytes)
        w.endStringValue()
    }

    static func writeBody(_ body: Body, to w: inout JSONWriter) {
        switch body {
        case .none: w.null()
        case .text(let text): w.string(text)
        case .base64(let raw): w.base64String(raw)
        }
    }
}
