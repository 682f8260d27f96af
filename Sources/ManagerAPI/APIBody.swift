public import BoxCore

/// Reading and writing bodies of the Manager API: BoxCore's `JSONValue` parser in, `JSONWriter` out, on both
/// daemons (docs/manager-api.md). One place decides what a malformed body is.
public enum APIBody {
    /// The body's JSON object; nil for an empty (or all-whitespace) body when `allowEmpty`.
    public static func object(_ body: [UInt8], allowEmpty: Bool) throws(ManagerAPIError) -> JSONObject? {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            if allowEmpty { return nil }
            throw ManagerAPIError("a JSON body is required")
        }
        guard let value = try? JSONValue(parsing: body), let object = value.objectValue else {
            throw ManagerAPIError("the body must be a JSON object")
        }
        return object
    }

    /// A list of worker ids; absent or null is empty.
    public static func ids(_ value: JSONValue?, name: String) throws(ManagerAPIError) -> [WorkerID] {
        guard let value, !value.isNull else { return [] }
        guard let array = value.arrayValue else { throw ManagerAPIError("\(name) must be a list of ids") }
        var ids: [WorkerID] = []
        ids.reserveCapacity(array.count)
        for element in array {
            guard let id = element.stringValue else { throw ManagerAPIError("\(name) must be a list of ids") }
            ids.append(id)
        }
        return ids
    }

    /// Writes `"name":["id",...]`.
    static func write(ids: [WorkerID], key name: String, to writer: inout JSONWriter) {
        writer.key(name)
        writer.beginArray()
        for id in ids { writer.string(id) }
        writer.endArray()
    }

    /// The bytes of one object written by `body`.
    static func serialize(capacity: Int = 256, _ body: (inout JSONWriter) -> Void) -> [UInt8] {
        var writer = JSONWriter(capacity: capacity)
        writer.beginObject()
        body(&writer)
        writer.endObject()
        return writer.bytes
    }
}
