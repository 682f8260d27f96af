import BoxCore

/// JSON for the Engine API's bodies on BoxCore's parser and writer: the Manager links no Foundation
/// (docs/performance.md, "Memory"). Docker's PascalCase keys are spelled out where each model reads them.
enum DockerJSON {
    /// Parses `body` and builds a `T` from it; a parse failure or a missing required member is `.invalidResponse`.
    static func decode<T: DockerDecodable>(_ type: T.Type, from body: [UInt8], what: String) throws(DockerError) -> T {
        try decode(from: body, what: what) { T(json: $0) }
    }

    /// Parses `body` and reads what `read` picks from it (nil: the answer is not what was expected).
    static func decode<T>(from body: [UInt8], what: String, _ read: (JSONValue) -> T?) throws(DockerError) -> T {
        guard let value = try? JSONValue(parsing: body), let decoded = read(value) else {
            let preview = String(decoding: body.prefix(200), as: UTF8.self)
            throw DockerError(.invalidResponse, message: "cannot decode \(what) in \(preview)")
        }
        return decoded
    }

    /// The body of `POST /containers/create`.
    static func encode(_ spec: ContainerSpec) -> [UInt8] {
        spec.json.serialized()
    }

    /// Docker's error body is `{"message": "..."}`; else the trimmed text, nil when empty.
    static func errorMessage(in body: [UInt8]) -> String? {
        if let message = (try? JSONValue(parsing: body))?["message"]?.stringValue { return message }
        let text = String(decoding: body, as: UTF8.self).trimmingASCIIWhitespace()
        return text.isEmpty ? nil : text
    }

    /// A query value that is itself JSON (the `filters` parameter of list and events calls).
    static func filtersQuery(_ filters: [String: [String]]) -> String? {
        guard !filters.isEmpty else { return nil }
        return object(filters, strings).jsonString
    }

    /// A map as an object, keys sorted so that the same request always has the same body.
    static func object<T>(_ map: [String: T], _ value: (T) -> JSONValue) -> JSONValue {
        .object(JSONObject(map.sorted { $0.key < $1.key }.map { ($0.key, value($0.value)) }))
    }

    static func object(_ map: [String: String]) -> JSONValue {
        object(map, JSONValue.string)
    }

    static func strings(_ list: [String]) -> JSONValue {
        .array(list.map(JSONValue.string))
    }
}

/// A model read from a Docker answer; nil when a member it requires is missing.
protocol DockerDecodable {
    init?(json: JSONValue)
}

extension Array: DockerDecodable where Element: DockerDecodable {
    init?(json: JSONValue) {
        guard let items = json.arrayValue else { return nil }
        let decoded = items.compactMap(Element.init(json:))
        guard decoded.count == items.count else { return nil }
        self = decoded
    }
}

/// Lenient reads: Docker sends `null` (or nothing) for empty strings, lists and maps.
extension JSONValue {
    func member(_ key: String) -> JSONValue { self[key] ?? .null }

    func text(_ key: String) -> String { self[key]?.stringValue ?? "" }

    func texts(_ key: String) -> [String] { self[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }

    /// The object member `key` as a dictionary of the values `read` accepts.
    func dictionary<T>(_ key: String, _ read: (JSONValue) -> T?) -> [String: T] {
        var result: [String: T] = [:]
        for member in self[key]?.objectValue ?? [:] {
            if let value = read(member.value) { result[member.key] = value }
        }
        return result
    }
}
