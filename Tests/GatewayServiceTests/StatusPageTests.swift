import Testing
@testable import GatewayService

/// The status page's HTML (docs/gateway.md "Status page"); the page as a browser shows it is checked in
/// tests-e2e/test_status_page.py with headless Chromium against the real gateway.
@Suite struct StatusPageTests {
    @Test func summariesGiveCountsErrorsAndBucketQuantiles() {
        let metrics = GatewayMetrics()
        for _ in 0..<98 { metrics.recordRequest(route: "/a", status: 200, latency: .milliseconds(3)) }
        metrics.recordRequest(route: "/a", status: 502, latency: .milliseconds(40))
        metrics.recordRequest(route: "/a", status: 404, latency: .milliseconds(700))
        metrics.recordInvocation(
            function: "f", queueWait: .milliseconds(300), functionTime: .milliseconds(8), coldStart: true)
        metrics.recordInvocation(function: "f", queueWait: .zero, functionTime: .milliseconds(8), coldStart: false)
        let (routes, functions) = metrics.summaries()
        #expect(
            routes == [GatewayMetrics.RouteSummary(route: "/a", requests: 100, serverErrors: 1, p50: 0.005, p99: 0.05)])
        #expect(
            functions == [
                GatewayMetrics.FunctionSummary(function: "f", invocations: 2, coldStarts: 1, p50: 0.01, p99: 0.01)
            ])
    }

    @Test func thePageShowsEveryFunctionAndRouteEscaped() {
        let page = StatusPage.render(
            StatusPage.Snapshot(
                generatedAt: "2026-12-06T20:00:00.000Z", functions: ["hello", "idle-one"],
                pools: ["hello": GatewayMetrics.PoolGauge(busy: 2, idle: 1, paused: 3, waiting: 4)],
                routes: [
                    GatewayMetrics.RouteSummary(route: "/items/<id>", requests: 7, serverErrors: 2, p50: 0.0025, p99: 1)
                ],
                invocations: [
                    GatewayMetrics.FunctionSummary(
                        function: "hello", invocations: 9, coldStarts: 1, p50: 0.01, p99: nil)
                ],
                eventsQueued: 12, oldestEventAgeSeconds: 3.5, spoolBytes: 5 << 20))
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains(#"<meta http-equiv="refresh" content="5">"#))
        #expect(!page.contains("http://") && !page.contains("https://") && !page.contains("<script"))
        #expect(
            page.contains(
                "<tr><td>hello</td><td>2</td><td>1</td><td>3</td><td>4</td><td>9</td><td>1</td><td>≤ 10 ms</td><td class=\"none\">–</td></tr>"
            ))
        #expect(page.contains("<tr><td>idle-one</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td>"))
        #expect(
            page.contains("<td>/items/&lt;id&gt;</td><td>7</td><td class=\"bad\">2</td><td>≤ 2.5 ms</td><td>≤ 1 s</td>")
        )
        #expect(page.contains("<td>12</td><td>3.5 s</td><td>5 MiB</td>"))
    }
}
