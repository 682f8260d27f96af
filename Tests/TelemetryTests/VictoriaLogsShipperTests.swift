import Foundation
import Testing
@testable import Telemetry

@Suite(.timeLimit(.minutes(5))) struct VictoriaLogsShipperTests {
    @Test(arguments: [
        ("http://victorialogs:9428", "victorialogs", 9428, ""),
        ("http://127.0.0.1:9428/", "127.0.0.1", 9428, ""),
        ("http://logs/prefix/", "logs", 80, "/prefix"),
        ("http://[::1]:9428", "::1", 9428, ""),
    ])
    func urlParsing(url: String, host: String, port: Int, prefix: String) {
        let parsed = VictoriaLogsShipper.parse(url)
        #expect(parsed?.host == host && parsed?.port == port && parsed?.prefix == prefix)
    }

    @Test(arguments: ["https://x:9428", "ftp://x", "http://", "http://x:0", "http://x:99999"])
    func unusableURLs(url: String) {
        #expect(VictoriaLogsShipper.parse(url) == nil)
    }

    @Test func linesArriveInBatchesAtTheInsertEndpoint() async throws {
        let server = try VictoriaLogsStandIn()
        defer { server.stop() }
        let shipper = try #require(
            VictoriaLogsShipper(url: "http://127.0.0.1:\(server.port)", linger: .milliseconds(50)) { _ in })
        for i in 0..<10 { shipper.enqueue(Array(#"{"message":"m\#(i)","container_name":"c"}"#.utf8) + [0x0A]) }
        shipper.close(timeout: .seconds(5))
        let received = server.received
        #expect(!received.isEmpty)
        #expect(received.allSatisfy { $0.target == VictoriaLogsShipper.insertTarget })
        let lines = received.flatMap { $0.body.split(separator: "\n") }
        #expect(lines.count == 10)
        #expect(lines.first == #"{"message":"m0","container_name":"c"}"#)
        #expect(shipper.shippedLines == 10)
    }

    @Test func aFailingEndpointIsRetriedAndRecoveryReported() async throws {
        let server = try VictoriaLogsStandIn(statuses: [503])
        defer { server.stop() }
        let notices = NoticeLog()
        let shipper = try #require(
            VictoriaLogsShipper(url: "http://127.0.0.1:\(server.port)", linger: .zero) { notices.add($0) })
        shipper.enqueue(Array("{\"message\":\"x\"}\n".utf8))
        // The first attempt gets 503, the retry (after 1 s) 204.
        for _ in 0..<100 where shipper.shippedLines == 0 { try await Task.sleep(for: .milliseconds(50)) }
        shipper.close(timeout: .seconds(5))
        #expect(server.received.count == 2)
        #expect(shipper.shippedLines == 1)
        #expect(notices.all.contains { $0.contains("failing") })
        #expect(notices.all.contains { $0.contains("recovered") })
    }

    @Test func aRefusedBatchIsDroppedNotRetried() async throws {
        let server = try VictoriaLogsStandIn(statuses: [400])
        defer { server.stop() }
        let notices = NoticeLog()
        let shipper = try #require(
            VictoriaLogsShipper(url: "http://127.0.0.1:\(server.port)", linger: .zero) { notices.add($0) })
        shipper.enqueue(Array("not json\n".utf8))
        shipper.close(timeout: .seconds(5))
        #expect(server.received.count == 1)
        #expect(shipper.shippedLines == 0)
        #expect(notices.all.contains { $0.contains("400") })
    }
}

final class NoticeLog: @unchecked Sendable {
    private let lock = NSLock()
    private var notices: [String] = []
    func add(_ text: String) { lock.withLock { notices.append(text) } }
    var all: [String] { lock.withLock { notices } }
}
