import BoxCore
import Logging
import Synchronization
import Telemetry
import Testing

/// The JSON line format as a swift-log `LogHandler` (docs/observability.md).
@Suite struct JSONLineLogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ bytes: [UInt8]) { lines.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) } }
        var all: [String] { lines.withLock { $0 } }
    }

    func logger(_ label: String, level: Logging.Logger.Level, into lines: Lines) -> Logging.Logger {
        Logging.Logger(label: label) {
            JSONLineLogHandler(
                label: $0, containerName: "esb-x", logLevel: level, now: { 1_796_529_906_789 }, output: lines.append)
        }
    }

    @Test func aSwiftLogCallWritesTheDocumentedLineByteForByte() {
        let lines = Lines()
        var log = logger("manager.workers", level: .info, into: lines)
        log[metadataKey: "zone"] = "a"
        log.info(
            "worker started",
            metadata: .line(
                requestID: "r-1", traceID: "t-1", fields: ["function": "f", "ms": .int(12), "cold": .bool(true)]
            )
            .merging(["count": .stringConvertible(3), "ratio": .stringConvertible(0.5)]) { $1 })
        #expect(
            lines.all == [
                #"{"_time":"2026-12-06T04:05:06.789Z","level":"INFO","logger":"manager.workers","message":"worker started","#
                    + #""container_name":"esb-x","request_id":"r-1","trace_id":"t-1","function":"f","ms":12,"cold":true,"#
                    + #""count":3,"ratio":0.5,"zone":"a"}"# + "\n"
            ])
    }

    @Test func aDirectWriteGivesTheBytesOfTheSameSwiftLogCall() {
        let viaSwiftLog = Lines(), direct = Lines()
        let fields: JSONObject = ["method": "POST", "status": .int(200), "latency_ms": .double(1.25), "level": "x"]
        logger("gateway.access", level: .info, into: viaSwiftLog).info(
            "POST /a 200", metadata: .line(requestID: "r-1", traceID: "t-1", fields: fields))
        logger("gateway.access", level: .info, into: viaSwiftLog).info("no ids, no fields")
        let handler = JSONLineLogHandler(
            label: "unused", containerName: "esb-x", logLevel: .info, now: { 1_796_529_906_789 }, output: direct.append)
        handler.write(.info, "POST /a 200", logger: "gateway.access", requestID: "r-1", traceID: "t-1", fields: fields)
        handler.write(.info, "no ids, no fields", logger: "gateway.access", requestID: nil, traceID: nil, fields: [:])
        #expect(direct.all == viaSwiftLog.all)
        #expect(direct.all.count == 2 && direct.all[0].contains(#""latency_ms":1.25}"#))
    }

    @Test func belowTheThresholdTheMessageIsNeverBuilt() {
        let lines = Lines()
        let log = logger("gateway", level: .warning, into: lines)
        let built = Mutex(0)
        func expensive() -> String { built.withLock { $0 += 1 }; return "costly" }
        log.info("\(expensive())")
        log.debug("\(expensive())")
        #expect(built.withLock { $0 } == 0)
        #expect(lines.all.isEmpty)
        log.error("\(expensive())")
        #expect(built.withLock { $0 } == 1)
        #expect(lines.all.count == 1 && lines.all[0].contains(#""level":"ERROR""#))
    }

    @Test func aFieldNamedLikeAStandardOneNeverOverwritesIt() {
        let lines = Lines()
        logger("g", level: .trace, into: lines).trace(
            "m", metadata: .line(requestID: nil, traceID: nil, fields: ["level": "SPOOF", "ok": .int(1)]))
        #expect(
            lines.all == [
                #"{"_time":"2026-12-06T04:05:06.789Z","level":"DEBUG","logger":"g","message":"m","container_name":"esb-x","ok":1}"#
                    + "\n"
            ])
    }
}
