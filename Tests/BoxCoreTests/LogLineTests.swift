@testable import BoxCore
import Logging
import Testing

/// Expected strings from Python's datetime (UTC) for the same epoch milliseconds.
@Test(
    arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z", "01/Jan/1970:00:00:00 +0000", "19700101T000000Z"),
        (1_796_529_906_789, "2026-12-06T04:05:06.789Z", "06/Dec/2026:04:05:06 +0000", "20261206T040506Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z", "29/Feb/2000:00:00:00 +0000", "20000229T000000Z"),
        (4_107_542_399_999, "2100-02-28T23:59:59.999Z", "28/Feb/2100:23:59:59 +0000", "21000228T235959Z"),
        (-1, "1969-12-31T23:59:59.999Z", "31/Dec/1969:23:59:59 +0000", "19691231T235959Z"),
        (-86_400_001, "1969-12-30T23:59:59.999Z", "30/Dec/1969:23:59:59 +0000", "19691230T235959Z"),
        (1_583_953_438_000, "2020-03-11T19:03:58.000Z", "11/Mar/2020:19:03:58 +0000", "20200311T190358Z"),
        (1_428_582_896_000, "2015-04-09T12:34:56.000Z", "09/Apr/2015:12:34:56 +0000", "20150409T123456Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z", "31/Dec/9999:23:59:59 +0000", "99991231T235959Z"),
    ] as [(Int64, String, String, String)])
func utcFormats(ms: Int64, iso: String, apiGateway: String, amz: String) {
    let t = UTCTime(epochMilliseconds: ms)
    #expect(t.iso8601 == iso)
    #expect(t.apiGatewayFormat == apiGateway)
    #expect(t.amzDate == amz)
    let days = CivilTime.days(year: t.year, month: t.month, day: t.day)
    #expect(
        Int64(days) * 86_400_000 + Int64(t.hour * 3_600_000 + t.minute * 60_000 + t.second * 1000 + t.millisecond) == ms
    )
}

@Test func lineHasTheStandardFieldsInOrderThenTheEventFields() throws {
    let line = LogLine(
        epochMilliseconds: 1_796_529_906_789, level: .info, logger: "gateway.proxy", message: "request done",
        containerName: "esb-gateway", requestID: "r-1", traceID: "Root=1-5e6a4c1e-0123456789abcdef01234567",
        fields: [
            "method": "GET", "path": "/api/x", "status": 200, "latency_ms": 1.25, "cold_start": false,
            "level": "SPOOF", "_time": "SPOOF",
        ])
    let bytes = line.jsonLine()
    #expect(bytes.last == 0x0A)
    #expect(!bytes.dropLast().contains(0x0A), "one line")
    #expect(
        line.jsonString == #"{"_time":"2026-12-06T04:05:06.789Z","level":"INFO","logger":"gateway.proxy","#
            + #""message":"request done","container_name":"esb-gateway","request_id":"r-1","#
            + #""trace_id":"Root=1-5e6a4c1e-0123456789abcdef01234567","method":"GET","path":"/api/x","status":200,"#
            + #""latency_ms":1.25,"cold_start":false}"#)
    let parsed = try JSONValue(parsing: Array(bytes.dropLast()))
    #expect(parsed["status"]?.intValue == 200)
}

@Test func unknownIdsAreOmittedAndMessagesEscaped() {
    let line = LogLine(epochMilliseconds: 0, level: .error, logger: "manager", message: "line1\nline2 \"q\"")
    #expect(
        line.jsonString
            == #"{"_time":"1970-01-01T00:00:00.000Z","level":"ERROR","logger":"manager","message":"line1\nline2 \"q\""}"#
    )
}

@Test(
    arguments: [
        (nil, Logger.Level.info), ("", .info), ("bogus", .info), ("DEBUG", .debug), ("debug", .debug),
        (" Warning ", .warning),
        ("WARN", .warning), ("ERROR", .error), ("critical", .critical), ("FATAL", .critical), ("trace", .debug),
    ] as [(String?, Logger.Level)])
func thresholdFromEnvironment(value: String?, level: Logger.Level) {
    #expect(Logger.Level.threshold(fromEnvironment: value) == level)
}

/// swift-log's extra levels write as the nearest Python logging name (docs/observability.md).
@Test(
    arguments: [
        (Logger.Level.trace, "DEBUG"), (.debug, "DEBUG"), (.info, "INFO"), (.notice, "INFO"), (.warning, "WARNING"),
        (.error, "ERROR"), (.critical, "CRITICAL"),
    ] as [(Logger.Level, String)])
func levelNames(level: Logger.Level, name: String) {
    #expect(level.lineName == name)
}

@Test func aFieldNamedLikeAStandardKeyIsDroppedAndLookalikesKept() {
    var fields: JSONObject = [:]
    for key in ["_time", "level", "logger", "message", "container_name", "request_id", "trace_id"] {
        fields.members.append(.init(key: key, value: .string("spoofed")))
    }
    // Same lengths, other names; another case; a prefix: all ordinary fields.
    for key in ["_tame", "Level", "loggers", "messag", "trace-id", "request_ID", "container_nam"] {
        fields.members.append(.init(key: key, value: .int(1)))
    }
    let line = LogLine(epochMilliseconds: 0, level: .info, logger: "l", message: "m", fields: fields)
    #expect(
        line.jsonString
            == #"{"_time":"1970-01-01T00:00:00.000Z","level":"INFO","logger":"l","message":"m","_tame":1,"Level":1,"#
            + #""loggers":1,"messag":1,"trace-id":1,"request_ID":1,"container_nam":1}"#)
}
