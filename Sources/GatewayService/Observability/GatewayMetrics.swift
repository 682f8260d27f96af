import Synchronization

/// The gateway's Prometheus metrics (docs/contract.md §3.9): requests by route and status, latency histograms (total, queue
/// wait, cold start, function), pool sizes per function, Manager calls and dropped log lines.
///
/// Recording takes one short lock; `render` produces the text exposition format (version 0.0.4).
public final class GatewayMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    struct Histogram {
        var counts = [UInt64](repeating: 0, count: GatewayMetrics.buckets.count)
        var sum: Double = 0
        var count: UInt64 = 0

        /// The upper bound of the bucket holding quantile `q` (the last bucket's bound when it is beyond them).
        func quantile(_ q: Double) -> Double? {
            guard count > 0 else { return nil }
            let rank = UInt64((Double(count) * q).rounded(.up))
            for (i, bound) in GatewayMetrics.buckets.enumerated() where counts[i] >= rank { return bound }
            return GatewayMetrics.buckets.last
        }

        mutating func observe(_ seconds: Double) {
            for (i, bound) in GatewayMetrics.buckets.enumerated() where seconds <= bound { counts[i] += 1 }
            sum += seconds
            count += 1
        }
    }

    struct State {
        var requests: [LabelPair: UInt64] = [:]
        var latency: [String: Histogram] = [:]
        var queueWait: [String: Histogram] = [:]
        var coldStart: [String: Histogram] = [:]
        var functionTime: [String: Histogram] = [:]
        var invocations: [InvocationKey: UInt64] = [:]
    }

    struct LabelPair: Hashable { var route: String; var status: Int }
    struct InvocationKey: Hashable { var function: String; var type: String; var outcome: String }

    private let state = Mutex(State())

    /// An empty registry.
    public init() {}

    /// Counts one answered request and its total latency. `route` is the routing.yml template (or a fixed name
    /// such as `login`, `health`, `invoke`, `unmatched`) so label cardinality stays bounded.
    public func recordRequest(route: String, status: Int, latency: Duration) {
        state.withLock {
            $0.requests[LabelPair(route: route, status: status), default: 0] += 1
            $0.latency[route, default: Histogram()].observe(latency.frontSeconds)
        }
    }

    /// Records one invocation's queue wait, function time and (when it was one) cold start.
    public func recordInvocation(function: String, queueWait: Duration, functionTime: Duration, coldStart: Bool) {
        state.withLock {
            $0.queueWait[function, default: Histogram()].observe(queueWait.frontSeconds)
            $0.functionTime[function, default: Histogram()].observe(functionTime.frontSeconds)
            // The cold start's cost is what the request waited for its fresh worker.
            if coldStart { $0.coldStart[function, default: Histogram()].observe(queueWait.frontSeconds) }
        }
    }

    /// Counts one Invoke API attempt (`type`: RequestResponse, Event, DryRun; `outcome`: success, function_error, ...).
    public func recordInvokeAPI(function: String, type: String, outcome: String) {
        state.withLock { $0.invocations[InvocationKey(function: function, type: type, outcome: outcome), default: 0] += 1 }
    }

    /// The text exposition. Pool sizes, Manager calls and dropped log lines are read from their owners at scrape
    /// time and passed in.
    public func render(pools: [String: PoolGauge], managerCalls: [String: UInt64], logLinesDropped: UInt64) -> String {
        let s = state.withLock { $0 }
        var out = ""
        out += "# HELP esb_gateway_requests_total Requests answered, by route and status.\n"
        out += "# TYPE esb_gateway_requests_total counter\n"
        for (k, v) in s.requests.sorted(by: { ($0.key.route, $0.key.status) < ($1.key.route, $1.key.status) }) {
            out += "esb_gateway_requests_total{route=\(Self.label(k.route)),status=\"\(k.status)\"} \(v)\n"
        }
        Self.histograms(&out, "esb_gateway_request_duration_seconds", "Total request latency.", "route", s.latency)
        Self.histograms(&out, "esb_gateway_queue_wait_seconds", "Wait for a free worker.", "function", s.queueWait)
        Self.histograms(&out, "esb_gateway_cold_start_seconds", "Wait for a fresh worker on cold starts.", "function", s.coldStart)
        Self.histograms(&out, "esb_gateway_function_duration_seconds", "Time in the worker's RIE.", "function", s.functionTime)
        out += "# HELP esb_gateway_invoke_api_total Invoke API attempts by function, invocation type and outcome.\n"
        out += "# TYPE esb_gateway_invoke_api_total counter\n"
        for (k, v) in s.invocations.sorted(by: { ($0.key.function, $0.key.type, $0.key.outcome) < ($1.key.function, $1.key.type, $1.key.outcome) }) {
            out += "esb_gateway_invoke_api_total{function=\(Self.label(k.function)),type=\(Self.label(k.type)),outcome=\(Self.label(k.outcome))} \(v)\n"
        }
        out += "# HELP esb_gateway_pool_workers Workers and waiting requests per function and state.\n"
        out += "# TYPE esb_gateway_pool_workers gauge\n"
        for (function, g) in pools.sorted(by: { $0.key < $1.key }) {
            for (state, value) in [("busy", g.busy), ("idle", g.idle), ("paused", g.paused), ("waiting", g.waiting)] {
                out += "esb_gateway_pool_workers{function=\(Self.label(function)),state=\"\(state)\"} \(value)\n"
            }
        }
        out += "# HELP esb_gateway_manager_calls_total Calls to the Manager by kind and outcome.\n"
        out += "# TYPE esb_gateway_manager_calls_total counter\n"
        // The invoker counts a successful call as `<kind>` and a failed one as `<kind>_failed`.
        for (key, v) in managerCalls.sorted(by: { $0.key < $1.key }) {
            let failed = key.hasSuffix("_failed")
            let kind = failed ? String(key.dropLast("_failed".count)) : key
            out += "esb_gateway_manager_calls_total{kind=\(Self.label(kind)),outcome=\"\(failed ? "failed" : "ok")\"} \(v)\n"
        }
        out += "# HELP esb_gateway_log_lines_dropped_total Log lines dropped by the shipping buffer.\n"
        out += "# TYPE esb_gateway_log_lines_dropped_total counter\n"
        out += "esb_gateway_log_lines_dropped_total \(logLinesDropped)\n"
        return out
    }

    /// Requests, server errors and latency of one route, for the status page.
    public struct RouteSummary: Sendable, Equatable {
        public var route: String
        public var requests: UInt64
        /// Answers with a 5xx status.
        public var serverErrors: UInt64
        /// Upper bounds of the latency buckets holding the 50th and 99th percentile (nil with no request).
        public var p50: Double?
        public var p99: Double?
    }

    /// Invocations and cold starts of one function, for the status page.
    public struct FunctionSummary: Sendable, Equatable {
        public var function: String
        public var invocations: UInt64
        public var coldStarts: UInt64
        /// The function's time in its worker: bucket bounds of the 50th and 99th percentile.
        public var p50: Double?
        public var p99: Double?
    }

    /// What the status page shows of the counters and histograms (docs/gateway.md, "Status page").
    public func summaries() -> (routes: [RouteSummary], functions: [FunctionSummary]) {
        let s = state.withLock { $0 }
        var byRoute: [String: (requests: UInt64, errors: UInt64)] = [:]
        for (k, v) in s.requests {
            byRoute[k.route, default: (0, 0)].requests += v
            if k.status >= 500 { byRoute[k.route, default: (0, 0)].errors += v }
        }
        let routes = byRoute.keys.sorted().map { route in
            RouteSummary(
                route: route, requests: byRoute[route]!.requests, serverErrors: byRoute[route]!.errors,
                p50: s.latency[route]?.quantile(0.5), p99: s.latency[route]?.quantile(0.99))
        }
        let names = Set(s.functionTime.keys).union(s.coldStart.keys).sorted()
        let functions = names.map { name in
            FunctionSummary(
                function: name, invocations: s.functionTime[name]?.count ?? 0, coldStarts: s.coldStart[name]?.count ?? 0,
                p50: s.functionTime[name]?.quantile(0.5), p99: s.functionTime[name]?.quantile(0.99))
        }
        return (routes, functions)
    }

    /// One function's pool sizes for the `esb_gateway_pool_workers` gauge.
    public struct PoolGauge: Sendable, Equatable {
        /// Workers running an invocation.
        public var busy: Int
        /// Leased workers with nothing to do.
        public var idle: Int
        /// Paused workers (the Manager's tier; zero for workers the gateway holds).
        public var paused: Int
        /// Requests waiting for a worker.
        public var waiting: Int
        /// Memberwise initialiser.
        public init(busy: Int, idle: Int, paused: Int = 0, waiting: Int) {
            self.busy = busy
            self.idle = idle
            self.paused = paused
            self.waiting = waiting
        }
    }

    private static func histograms(_ out: inout String, _ name: String, _ help: String, _ labelName: String, _ values: [String: Histogram]) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        for (labelValue, h) in values.sorted(by: { $0.key < $1.key }) {
            let l = "\(labelName)=\(label(labelValue))"
            for (i, bound) in buckets.enumerated() {
                out += "\(name)_bucket{\(l),le=\"\(bound)\"} \(h.counts[i])\n"
            }
            out += "\(name)_bucket{\(l),le=\"+Inf\"} \(h.count)\n"
            out += "\(name)_sum{\(l)} \(h.sum)\n"
            out += "\(name)_count{\(l)} \(h.count)\n"
        }
    }

    /// A quoted label value with `\`, `"` and newlines escaped.
    static func label(_ value: String) -> String {
        var out = "\""
        for ch in value {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out + "\""
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    var frontSeconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }

    /// The duration in milliseconds as a Double.
    var frontMilliseconds: Double { frontSeconds * 1000 }
}
