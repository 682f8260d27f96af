import BoxCore
import Prometheus
import Synchronization
import Telemetry

/// The gateway's Prometheus metrics (docs/contract.md §3.9) on swift-prometheus's `PrometheusCollectorRegistry`
/// (docs/observability.md): requests by route and status, latency histograms (total, queue wait, cold start,
/// function), pool sizes per function, Manager calls, dropped log lines, `process_*` and `esb_gateway_build_info`.
/// The series names, labels and buckets are those dashboards and tests know; `render` produces the text exposition
/// format (version 0.0.4).
public final class GatewayMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    /// Where every series lives.
    let registry = PrometheusCollectorRegistry()
    private let collected = CollectedCounters()
    /// The series each request writes, by route and function: the registry's own lookup builds the label array
    /// and hashes name and labels on every call, which showed in the request path's profile
    /// (docs/performance.md). Series are never removed from the registry, so a cached one stays valid.
    private let series = Mutex(SeriesCache())
    /// Functions whose pool gauges were exported at the last scrape (a function gone from the pools loses them).
    private let exportedPools = Mutex<Set<String>>([])

    /// A registry with the series that exist before anything happened.
    public init(version: String? = nil) {
        _ = logLinesDropped
        ProcessMetrics.buildInfo(registry, daemon: "gateway", version: version ?? DaemonCommandLine.version)
    }

    /// Counts one answered request and its total latency. `route` is the routing.yml template (or a fixed name
    /// such as `login`, `health`, `invoke`, `unmatched`) so label cardinality stays bounded.
    public func recordRequest(route: String, status: Int, latency: Duration) {
        let (requests, duration) = series.withLock { cache in
            // The usual case in one lookup of the route (each lookup hashes its name).
            if let known = cache.routes[route], let counter = known.requestsByStatus[status] {
                return (counter, known.duration)
            }
            if cache.routes[route] == nil {
                cache.routes[route] = RouteSeries(
                    duration: histogram(
                        "esb_gateway_request_duration_seconds", "Total request latency.", "route", route))
            }
            return (
                cache.routes[route]!.requests(status: status, route: route, in: registry), cache.routes[route]!.duration
            )
        }
        requests.increment()
        duration.record(latency.frontSeconds)
    }

    /// Records one invocation's queue wait, function time and (when it was one) cold start.
    public func recordInvocation(function: String, queueWait: Duration, functionTime: Duration, coldStart: Bool) {
        let histograms = series.withLock { cache in
            // The usual case in one lookup of the function.
            if let known = cache.functions[function], !coldStart || known.coldStart != nil { return known }
            if cache.functions[function] == nil {
                cache.functions[function] = FunctionSeries(
                    queueWait: histogram(
                        "esb_gateway_queue_wait_seconds", "Wait for a free worker.", "function", function),
                    functionTime: histogram(
                        "esb_gateway_function_duration_seconds", "Time in the worker's RIE.", "function", function))
            }
            // Made at the first cold start only: a function that never had one has no such series.
            if coldStart && cache.functions[function]!.coldStart == nil {
                cache.functions[function]!.coldStart = histogram(
                    "esb_gateway_cold_start_seconds", "Wait for a fresh worker on cold starts.", "function", function)
            }
            return cache.functions[function]!
        }
        histograms.queueWait.record(queueWait.frontSeconds)
        histograms.functionTime.record(functionTime.frontSeconds)
        // The cold start's cost is what the request waited for its fresh worker.
        if coldStart { histograms.coldStart?.record(queueWait.frontSeconds) }
    }

    /// Counts one Invoke API attempt (`type`: RequestResponse, Event, DryRun; `outcome`: success, function_error, ...).
    public func recordInvokeAPI(function: String, type: String, outcome: String) {
        registry.counter(
            "esb_gateway_invoke_api_total", help: "Invoke API attempts by function, invocation type and outcome.",
            labels: [("function", function), ("type", type), ("outcome", outcome)]
        ).increment()
    }

    /// The text exposition. Pool sizes, Manager calls and dropped log lines are read from their owners at scrape
    /// time and passed in.
    public func render(pools: [String: PoolGauge], managerCalls: [ManagerCall: UInt64], logLinesDropped dropped: UInt64)
        -> String
    {
        let gone = exportedPools.withLock { exported in
            defer { exported = Set(pools.keys) }
            return exported.subtracting(pools.keys)
        }
        for function in gone {
            for state in ["busy", "idle", "paused", "waiting"] { registry.unregisterGauge(poolGauge(function, state)) }
        }
        for (function, g) in pools {
            for (state, value) in [("busy", g.busy), ("idle", g.idle), ("paused", g.paused), ("waiting", g.waiting)] {
                poolGauge(function, state).set(Double(value))
            }
        }
        for (call, total) in managerCalls {
            let counter = registry.counter(
                "esb_gateway_manager_calls_total", help: "Calls to the Manager by kind and outcome.",
                labels: [("kind", call.kind.rawValue), ("outcome", call.outcome.rawValue)])
            collected.update(counter, key: "manager_calls/\(call.kind)/\(call.outcome)", total: Int64(total))
        }
        collected.update(logLinesDropped, key: "log_lines_dropped", total: Int64(dropped))
        ProcessMetrics.update(registry, collected: collected)
        return registry.emitToString()
    }

    private var logLinesDropped: Counter {
        registry.counter("esb_gateway_log_lines_dropped_total", help: "Log lines dropped by the shipping buffer.")
    }

    private func poolGauge(_ function: String, _ state: String) -> Gauge {
        registry.gauge(
            "esb_gateway_pool_workers", help: "Workers and waiting requests per function and state.",
            labels: [("function", function), ("state", state)])
    }

    private func histogram(_ name: String, _ help: String, _ labelName: String, _ labelValue: String) -> ValueHistogram
    {
        registry.histogram(name, help: help, labels: [(labelName, labelValue)], buckets: Self.buckets)
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

    /// What the status page shows of the counters and histograms (docs/gateway.md, "Status page"), read from the
    /// registry's own exposition so the page and `/metrics` cannot disagree.
    public func summaries() -> (routes: [RouteSummary], functions: [FunctionSummary]) {
        let samples = PrometheusSample.parse(registry.emitToString())
        var byRoute: [String: (requests: UInt64, errors: UInt64)] = [:]
        for s in samples where s.name == "esb_gateway_requests_total" {
            guard let route = s.labels["route"], let status = s.labels["status"].flatMap({ Int($0) }) else { continue }
            byRoute[route, default: (0, 0)].requests += UInt64(s.value)
            if status >= 500 { byRoute[route, default: (0, 0)].errors += UInt64(s.value) }
        }
        let latency = BucketCounts(samples, "esb_gateway_request_duration_seconds", label: "route")
        let functionTime = BucketCounts(samples, "esb_gateway_function_duration_seconds", label: "function")
        let coldStart = BucketCounts(samples, "esb_gateway_cold_start_seconds", label: "function")
        let routes = byRoute.keys.sorted().map { route in
            RouteSummary(
                route: route, requests: byRoute[route]!.requests, serverErrors: byRoute[route]!.errors,
                p50: latency.quantile(0.5, of: route), p99: latency.quantile(0.99, of: route))
        }
        let names = Set(functionTime.counts.keys).union(coldStart.counts.keys).sorted()
        let functions = names.map { name in
            FunctionSummary(
                function: name, invocations: functionTime.counts[name] ?? 0, coldStarts: coldStart.counts[name] ?? 0,
                p50: functionTime.quantile(0.5, of: name), p99: functionTime.quantile(0.99, of: name))
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
        public init(busy: Int, idle: Int, paused: Int = 0, waiting: Int) {
            self.busy = busy
            self.idle = idle
            self.paused = paused
            self.waiting = waiting
        }
    }
}

/// The per-request series already looked up (GatewayMetrics.series).
private struct SeriesCache {
    var routes: [String: RouteSeries] = [:]
    var functions: [String: FunctionSeries] = [:]
}

private struct RouteSeries {
    let duration: ValueHistogram
    /// `esb_gateway_requests_total` by status, made at a status's first answer.
    var requestsByStatus: [Int: Counter] = [:]

    init(duration: ValueHistogram) { self.duration = duration }

    mutating func requests(status: Int, route: String, in registry: PrometheusCollectorRegistry) -> Counter {
        if let counter = requestsByStatus[status] { return counter }
        let counter = registry.counter(
            "esb_gateway_requests_total", help: "Requests answered, by route and status.",
            labels: [("route", route), ("status", String(status))])
        requestsByStatus[status] = counter
        return counter
    }
}

private struct FunctionSeries {
    let queueWait: ValueHistogram
    let functionTime: ValueHistogram
    var coldStart: ValueHistogram?
}

/// One histogram family's cumulative bucket counts per label value, read back from the exposition.
private struct BucketCounts {
    var buckets: [String: [(bound: Double, count: UInt64)]] = [:]
    var counts: [String: UInt64] = [:]

    init(_ samples: [PrometheusSample], _ name: String, label: String) {
        for s in samples {
            guard let value = s.labels[label] else { continue }
            if s.name == name + "_bucket", let le = s.labels["le"], let bound = Double(le), bound.isFinite {
                buckets[value, default: []].append((bound, UInt64(s.value)))
            } else if s.name == name + "_count" {
                counts[value] = UInt64(s.value)
            }
        }
    }

    /// The upper bound of the bucket holding quantile `q` (the last bucket's bound when it is beyond them).
    func quantile(_ q: Double, of value: String) -> Double? {
        guard let count = counts[value], count > 0 else { return nil }
        let rank = UInt64((Double(count) * q).rounded(.up))
        let sorted = (buckets[value] ?? []).sorted { $0.bound < $1.bound }
        return sorted.first { $0.count >= rank }?.bound ?? GatewayMetrics.buckets.last
    }
}

extension Duration {
    var frontSeconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}
