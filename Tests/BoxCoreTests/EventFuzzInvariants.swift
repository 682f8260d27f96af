import BoxCore
import BoxCrypto

// Shared by the libFuzzer target (fuzz/FuzzEvents.swift, built by fuzz/run-events-fuzz.sh into one module with
// BoxCore's event, JSON and routing sources — the script drops these imports) and by the bounded replay of the
// seeds in `swift test` (EventFuzzReplayTests). Only BoxCore's public API is used.

/// The invariants of the event builder and the result mapper (docs/events-and-auth.md, "Fuzzing") for one input.
enum EventFuzz {
    /// The request and the result an input stands for: NUL-separated fields `method`, `path`, `query` (a lone `-`
    /// means no `?`), `headers` (`name:value` lines), `body`, `result` (the function's payload); missing fields
    /// are empty, bytes that are not UTF-8 are repaired in the text fields.
    struct Case {
        var input: ProxyRequestInput
        var result: [UInt8]
    }

    static func decode(_ bytes: [UInt8]) -> Case {
        var parts = bytes.split(separator: 0, maxSplits: 5, omittingEmptySubsequences: false).map(Array.init)
        while parts.count < 6 { parts.append([]) }
        func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }
        let method = parts[0].isEmpty ? "GET" : text(parts[0])
        let path = "/" + text(parts[1])
        let query: String? = parts[2] == Array("-".utf8) ? nil : text(parts[2])
        var headers: [(name: String, value: String)] = []
        for line in parts[3].split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: ":"), maxSplits: 1, omittingEmptySubsequences: false)
            headers.append((text(Array(fields[0])), fields.count > 1 ? text(Array(fields[1])) : ""))
        }
        let input = ProxyRequestInput(
            method: method, rawPath: path, rawQuery: query, headers: headers, body: parts[4], sourceIP: "10.0.0.1",
            requestID: "fuzz-1", requestTimeEpochMilliseconds: 1_700_000_000_000,
            binaryMediaTypes: BinaryMediaTypes(["image/*", "application/octet-stream"]))
        return Case(input: input, result: parts[5])
    }

    /// nil when every invariant holds, else what broke.
    static func check(_ bytes: [UInt8]) -> String? {
        let c = decode(bytes)
        return checkEvents(c.input) ?? checkResult(c.result)
    }

    static func checkEvents(_ input: ProxyRequestInput) -> String? {
        guard let rest = try? JSONValue(parsing: APIGatewayEvent.restPayload(input)), rest.objectValue != nil else {
            return "1.0 event is not a JSON object"
        }
        guard let http = try? JSONValue(parsing: APIGatewayEvent.httpPayload(input)), http.objectValue != nil else {
            return "2.0 event is not a JSON object"
        }
        // Every header value is in multiValueHeaders, under a name equal to its own ignoring case.
        let multi = rest["multiValueHeaders"]?.objectValue
        if input.headers.isEmpty != (multi == nil) { return "multiValueHeaders null-ness" }
        var counted = 0
        for member in multi?.members ?? [] { counted += member.value.arrayValue?.count ?? 0 }
        if counted != input.headers.count {
            return "multiValueHeaders hold \(counted) values for \(input.headers.count) headers"
        }
        for header in input.headers {
            let group = multi?.members.first { asciiLower($0.key) == asciiLower(header.name) }
            guard let values = group?.value.arrayValue, values.contains(.string(header.value)) else {
                return "header \(header.name) missing from multiValueHeaders"
            }
        }
        // The body comes back byte for byte, in text or base64.
        for event in [rest, http] {
            let encoded = event["isBase64Encoded"] == .bool(true)
            switch event["body"] {
            case nil, .null?:
                if !input.body.isEmpty { return "body missing" }
            case .string(let s)?:
                let back = encoded ? Base64.decode(s) : Array(s.utf8)
                if back != input.body { return "body differs (base64: \(encoded))" }
            default:
                return "body is not a string"
            }
        }
        if (http["rawQueryString"]?.stringValue ?? "") != (input.rawQuery ?? "") { return "rawQueryString differs" }
        return nil
    }

    /// Header names group ignoring ASCII case only (`Ä` and `ä` are different names, as in HTTP).
    static func asciiLower(_ s: String) -> [UInt8] {
        s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }

    static func checkResult(_ payload: [UInt8]) -> String? {
        for format in [Route.PayloadFormat.v1, .v2] {
            guard
                let r = try? ProxyResult.response(
                    rieStatus: 200, rieHeaders: [], payload: payload, parsed: try? JSONValue(parsing: payload),
                    format: format)
            else {
                continue  // a malformed result is a 502, which is fine
            }
            if !(200...599).contains(r.status) { return "status \(r.status) passed" }
            if r.headers.count > ProxyResult.maxHeaderFields + 1 { return "\(r.headers.count) header lines passed" }
            for h in r.headers {
                if h.name.isEmpty || h.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) {
                    return "unsafe header \(h.name) passed"
                }
            }
        }
        return nil
    }
}
