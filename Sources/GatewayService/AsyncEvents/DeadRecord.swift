import BoxCore

/// The failure record of an event that ran out of attempts or age, in the shape of AWS's on-failure destination
/// record (docs/async-invocations.md): written to `EVENT_SPOOL_DIR/dead/<requestId>.json` and, when the function
/// sets `on_failure`, sent to that function as an asynchronous event.
struct DeadRecord {
    var event: SpooledEvent
    var functionARN: String
    var condition: EventRetryPolicy.Condition
    var approximateInvokeCount: Int
    var requestPayload: [UInt8]
    /// The last attempt's answer, when one reached the function.
    var lastResponse: EventResponse?
    var timestampMillis: Int64

    func json() -> [UInt8] {
        var out =
            "{\"version\":\"1.0\",\"timestamp\":\(JSONText.quote(UTCTime(epochMilliseconds: timestampMillis).iso8601))"
        out += ",\"requestContext\":{\"requestId\":\(JSONText.quote(event.id))"
        out += ",\"functionArn\":\(JSONText.quote(functionARN + ":$LATEST"))"
        out += ",\"condition\":\"\(condition.rawValue)\",\"approximateInvokeCount\":\(approximateInvokeCount)}"
        out += ",\"requestPayload\":" + Self.embedded(requestPayload)
        if let r = lastResponse {
            out += ",\"responseContext\":{\"statusCode\":\(r.statusCode),\"executedVersion\":\"$LATEST\""
            if let e = r.functionError { out += ",\"functionError\":\(JSONText.quote(e))" }
            out += "}"
            out += ",\"responsePayload\":" + Self.embedded(r.payload)
        }
        out += "}"
        return Array(out.utf8)
    }

    /// A JSON document as is; anything else as a JSON string.
    static func embedded(_ bytes: [UInt8]) -> String {
        if (try? JSONValue(parsing: bytes)) != nil { return String(decoding: bytes, as: UTF8.self) }
        return JSONText.quote(String(decoding: bytes, as: UTF8.self))
    }
}

/// What the last attempt of an event got back from the function (kept in memory for the dead record).
struct EventResponse: Sendable {
    var statusCode: Int
    var functionError: String?
    var payload: [UInt8]
}
