import BoxCore
import Logging
import Synchronization
import Telemetry
import Testing

/// What a log call costs through swift-log and the JSON line handler (printed, never asserted as times), beside
/// its baseline: formatting the same `LogLine` directly. Every iteration's output is checked, so the test fails if
/// the path breaks. Release figures: `swift test -c release -Xswiftc -enable-testing --filter logCallFigures`.
@Test func logCallFigures() {
    let iterations = 2000
    let written = Atomic<Int>(0)
    let logger = Logging.Logger(label: "gateway.access") {
        JSONLineLogHandler(label: $0, containerName: "esb-gateway", logLevel: .info, now: { 1_800_000_000_123 }) {
            written.add($0.count, ordering: .relaxed)
        }
    }
    let fields: JSONObject = ["method": "GET", "path": "/api/x", "status": 200, "latency_ms": 1.25]
    let baseline = LogLine(
        epochMilliseconds: 1_800_000_000_123, level: .info, logger: "gateway.access", message: "request",
        containerName: "esb-gateway", requestID: "r-1", traceID: "Root=1-x", fields: fields)
    let size = baseline.jsonLine().count

    func measure(_ label: String, _ body: () -> Void) {
        let elapsed = ContinuousClock().measure { for _ in 0..<iterations { body() } }
        let ns = Double(elapsed.components.attoseconds) / 1e9 + Double(elapsed.components.seconds) * 1e9
        print("bench \(label): \(Int(ns / Double(iterations))) ns/op")
    }

    var sum = 0
    measure("LogLine.jsonLine baseline (\(size) B)") { sum += baseline.jsonLine().count }
    #expect(sum == size * iterations)
    measure("swift-log info through JSONLineLogHandler (\(size) B)") {
        logger.info("request", metadata: .line(requestID: "r-1", traceID: "Root=1-x", fields: fields))
    }
    #expect(written.load(ordering: .relaxed) == size * iterations)
    measure("swift-log debug below the threshold") {
        logger.debug("request", metadata: .line(requestID: "r-1", traceID: "Root=1-x", fields: fields))
    }
    #expect(written.load(ordering: .relaxed) == size * iterations)
}
