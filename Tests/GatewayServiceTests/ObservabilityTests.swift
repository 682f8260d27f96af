import BoxCore
import Synchronization
import Testing
@testable import GatewayService

@Suite(.timeLimit(.minutes(5))) struct ObservabilityTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"), (1_767_323_045_678, "2026-01-02T03:04:05.678Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"), (4_102_444_799_999, "2099-12-31T23:59:59.999Z"),
    ])
    func utcTimestamps(millis: Int64, text: String) {
        #expect(UTCTime(epochMilliseconds: millis).iso8601 == text)
    }

    @Test func logLinesAreOneJSONObjectWithTheProductFields() throws {
        let lines = Mutex<[[UInt8]]>([])
        let log = GatewayLog(containerName: "gw", minimumLevel: .info, now: { 1_767_323_045_678 }) { line in
            lines.withLock { $0.append(line) }
        }
        log.log(.debug, "hidden")
        log.log(
            .info, "a \"quoted\"\nline", logger: "gateway.access", requestID: "r1", traceID: "t1",
            fields: [
                ("status", 200), ("latency_ms", .double(1.25)), ("cold_start", .bool(true)), ("message", "dropped"),
            ])
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false)
        let json = try JSONValue(parsing: Array(line.dropLast()))
        #expect(json["_time"] == "2026-01-02T03:04:05.678Z")
        #expect(json["level"] == "INFO")
        #expect(json["logger"] == "gateway.access")
        #expect(json["message"] == "a \"quoted\"\nline")
        #expect(json["container_name"] == "gw")
        #expect(json["request_id"] == "r1")
        #expect(json["trace_id"] == "t1")
        #expect(json["status"]?.intValue == 200)
        #expect(json["cold_start"] == true)
    }

    @Test func metricsRenderPrometheusText() {
        let m = GatewayMetrics()
        m.recordRequest(route: "/api/{id}", status: 200, latency: .milliseconds(3))
        m.recordRequest(route: "/api/{id}", status: 200, latency: .milliseconds(30))
        m.recordInvocation(
            function: "echo", queueWait: .milliseconds(400), functionTime: .milliseconds(2), coldStart: true)
        m.recordInvokeAPI(function: "echo", type: "Event", outcome: "success")
        let text = m.render(
            pools: ["echo": .init(busy: 1, idle: 2, waiting: 3)],
            managerCalls: [
                ManagerCall(.acquire, .ok): 4, ManagerCall(.heartbeat, .ok): 7, ManagerCall(.heartbeat, .failed): 2,
            ], logLinesDropped: 5)
        #expect(text.contains("esb_gateway_requests_total{route=\"/api/{id}\",status=\"200\"} 2\n"))
        #expect(text.contains("esb_gateway_request_duration_seconds_bucket{route=\"/api/{id}\",le=\"0.005\"} 1\n"))
        #expect(text.contains("esb_gateway_request_duration_seconds_bucket{route=\"/api/{id}\",le=\"+Inf\"} 2\n"))
        #expect(text.contains("esb_gateway_request_duration_seconds_count{route=\"/api/{id}\"} 2\n"))
        #expect(text.contains("esb_gateway_cold_start_seconds_count{function=\"echo\"} 1\n"))
        #expect(text.contains("esb_gateway_invoke_api_total{function=\"echo\",type=\"Event\",outcome=\"success\"} 1\n"))
        #expect(text.contains("esb_gateway_pool_workers{function=\"echo\",state=\"waiting\"} 3.0\n"))
        #expect(text.contains("esb_gateway_pool_workers{function=\"echo\",state=\"paused\"} 0.0\n"))
        #expect(text.contains("esb_gateway_manager_calls_total{kind=\"acquire\",outcome=\"ok\"} 4\n"))
        #expect(text.contains("esb_gateway_manager_calls_total{kind=\"heartbeat\",outcome=\"ok\"} 7\n"))
        #expect(text.contains("esb_gateway_manager_calls_total{kind=\"heartbeat\",outcome=\"failed\"} 2\n"))
        #expect(text.contains("esb_gateway_log_lines_dropped_total 5\n"))
        #expect(text.contains("# TYPE esb_gateway_request_duration_seconds histogram\n"))
        #expect(text.contains("esb_gateway_build_info{version=\"\(DaemonCommandLine.version)\"} 1.0\n"))
        #expect(text.contains("\nprocess_open_fds ") && text.contains("\nprocess_resident_memory_bytes "))
        #expect(text.contains("\nprocess_cpu_seconds_total "))
        // Totals kept elsewhere advance by their growth; a function gone from the pools loses its gauges.
        let next = m.render(
            pools: [:],
            managerCalls: [
                ManagerCall(.acquire, .ok): 6, ManagerCall(.heartbeat, .ok): 7, ManagerCall(.heartbeat, .failed): 2,
            ], logLinesDropped: 5)
        #expect(next.contains("esb_gateway_manager_calls_total{kind=\"acquire\",outcome=\"ok\"} 6\n"))
        #expect(next.contains("esb_gateway_log_lines_dropped_total 5\n"))
        #expect(!next.contains("esb_gateway_pool_workers{"))
        m.recordRequest(route: "a\"b\\c\nd", status: 500, latency: .zero)
        #expect(
            m.render(pools: [:], managerCalls: [:], logLinesDropped: 0)
                .contains("esb_gateway_requests_total{route=\"a\\\"b\\\\c\\nd\",status=\"500\"} 1\n"))
        #expect(m.summaries().routes.first { $0.route == "a\"b\\c\nd" }?.serverErrors == 1)
    }
}
