/// The operator's status page on the metrics listener (`GET /` or `/status`, docs/gateway.md "Status page"): the
/// same figures as `/metrics`, as one self-contained HTML page (inline style, no script, no external asset) that
/// reloads itself every 5 seconds.
enum StatusPage {
    /// Everything the page shows, read at request time.
    struct Snapshot: Sendable {
        var generatedAt: String
        var functions: [String]
        var pools: [String: GatewayMetrics.PoolGauge]
        var routes: [GatewayMetrics.RouteSummary]
        var invocations: [GatewayMetrics.FunctionSummary]
        var eventsQueued: Int
        var oldestEventAgeSeconds: Double
        var spoolBytes: Int
    }

    /// The page.
    static func render(_ s: Snapshot) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
            <title>Edge Serverless Box — gateway status</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:1.5em;color:#1d232a;background:#f7f8fa}
            h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.4em 0 .4em}
            p.meta{color:#5b6570;margin:0 0 1em}
            table{border-collapse:collapse;background:#fff;min-width:40em;box-shadow:0 1px 2px #0001}
            th,td{padding:.35em .8em;border-bottom:1px solid #e3e6ea;text-align:right}
            th:first-child,td:first-child{text-align:left}th{background:#eef1f4;font-weight:600}
            td.bad{color:#b42318;font-weight:600}td.none{color:#8a939c}
            .cards{display:flex;gap:1em}.card{background:#fff;padding:.8em 1.2em;box-shadow:0 1px 2px #0001}
            .card b{display:block;font-size:1.5em}
            </style></head><body>
            <h1>Edge Serverless Box — gateway status</h1>
            <p class="meta">\(escape(s.generatedAt)) · refreshes every 5 s · raw figures: <a href="/metrics">/metrics</a></p>

            """
        let totalRequests = s.routes.reduce(0) { $0 + $1.requests }
        let totalErrors = s.routes.reduce(0) { $0 + $1.serverErrors }
        let coldStarts = s.invocations.reduce(0) { $0 + $1.coldStarts }
        html += "<div class=\"cards\">"
        html += card("functions", "\(s.functions.count)") + card("requests", "\(totalRequests)")
        html += card("server errors", "\(totalErrors)") + card("cold starts", "\(coldStarts)")
        html += card("events queued", "\(s.eventsQueued)") + "</div>\n"

        html += "<h2>Functions and workers</h2>\n<table><tr><th>function</th><th>busy</th><th>idle</th><th>paused</th>"
        html += "<th>waiting</th><th>invocations</th><th>cold starts</th><th>p50</th><th>p99</th></tr>\n"
        let byFunction = Dictionary(s.invocations.map { ($0.function, $0) }, uniquingKeysWith: { a, _ in a })
        for name in Set(s.functions).union(s.pools.keys).sorted() {
            let pool = s.pools[name] ?? GatewayMetrics.PoolGauge(busy: 0, idle: 0, waiting: 0)
            let inv = byFunction[name]
            html += "<tr><td>\(escape(name))</td><td>\(pool.busy)</td><td>\(pool.idle)</td><td>\(pool.paused)</td>"
            html += "<td>\(pool.waiting)</td><td>\(inv?.invocations ?? 0)</td><td>\(inv?.coldStarts ?? 0)</td>"
            html += latency(inv?.p50) + latency(inv?.p99) + "</tr>\n"
        }
        html += "</table>\n"

        html += "<h2>Routes</h2>\n<table><tr><th>route</th><th>requests</th><th>5xx</th><th>p50</th><th>p99</th></tr>\n"
        for r in s.routes {
            html += "<tr><td>\(escape(r.route))</td><td>\(r.requests)</td>"
            html += r.serverErrors > 0 ? "<td class=\"bad\">\(r.serverErrors)</td>" : "<td>0</td>"
            html += latency(r.p50) + latency(r.p99) + "</tr>\n"
        }
        html += "</table>\n"

        html += "<h2>Asynchronous events</h2>\n<table><tr><th>queued</th><th>oldest</th><th>spool</th></tr>\n"
        html +=
            "<tr><td>\(s.eventsQueued)</td><td>\(seconds(s.oldestEventAgeSeconds))</td><td>\(bytes(s.spoolBytes))</td></tr>\n"
        html += "</table>\n</body></html>\n"
        return html
    }

    private static func card(_ label: String, _ value: String) -> String {
        "<div class=\"card\"><b>\(escape(value))</b>\(escape(label))</div>"
    }

    /// A latency cell: the histogram bucket's bound ("≤ 25 ms"), "–" with no observation.
    private static func latency(_ bound: Double?) -> String {
        guard let bound else { return "<td class=\"none\">–</td>" }
        return "<td>≤ \(bound < 1 ? "\(formatted(bound * 1000)) ms" : "\(formatted(bound)) s")</td>"
    }

    private static func seconds(_ value: Double) -> String { value < 0.001 ? "–" : "\(formatted(value)) s" }

    private static func bytes(_ value: Int) -> String {
        value < 1024 ? "\(value) B" : value < 1 << 20 ? "\(value >> 10) KiB" : "\(value >> 20) MiB"
    }

    private static func formatted(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
    }

    /// HTML text with `&`, `<`, `>`, `"` and `'` escaped (route templates and function names are configuration).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
