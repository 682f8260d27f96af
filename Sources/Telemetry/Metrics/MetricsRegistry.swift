import Synchronization

/// A set of Prometheus metrics rendered together in registration order (docs/contract.md §3.9).
///
/// Metrics are created once at start-up and updated from any thread (each guards its own samples with a
/// lock: one uncontended lock per update). `render()` produces the text exposition format.
public final class MetricsRegistry: Sendable {
    private let families = Mutex<[any MetricFamily]>([])

    /// An empty registry.
    public init() {}

    /// The `Content-Type` of `render()`'s output.
    public static let contentType = PrometheusText.contentType

    /// A counter (a value that only goes up).
    public func counter(_ name: String, help: String, labelNames: [String] = []) -> Counter {
        register(Counter(name: name, help: help, labelNames: labelNames))
    }

    /// A gauge (a value that goes up and down).
    public func gauge(_ name: String, help: String, labelNames: [String] = []) -> Gauge {
        register(Gauge(name: name, help: help, labelNames: labelNames))
    }

    /// A histogram with cumulative `buckets` (upper bounds, ascending; `+Inf` is implied).
    public func histogram(
        _ name: String, help: String, labelNames: [String] = [], buckets: [Double] = Histogram.defaultBuckets
    ) -> Histogram {
        register(Histogram(name: name, help: help, labelNames: labelNames, buckets: buckets))
    }

    /// A gauge whose samples are read at render time (pool sizes and the like): `collect` returns label values
    /// and a value per sample.
    public func collectedGauge(
        _ name: String, help: String, labelNames: [String] = [],
        collect: @escaping @Sendable () -> [(labels: [String], value: Double)]
    ) {
        _ = register(CollectedGauge(name: name, help: help, labelNames: labelNames, collect: collect))
    }

    /// Every metric in the text exposition format.
    public func render() -> String {
        let all = families.withLock { $0 }
        var out = ""
        for family in all {
            out += "# HELP \(family.name) \(PrometheusText.escapeHelp(family.help))\n"
            out += "# TYPE \(family.name) \(family.typeName)\n"
            family.render(into: &out)
        }
        return out
    }

    private func register<M: MetricFamily>(_ metric: M) -> M {
        precondition(PrometheusText.isValidName(metric.name), "invalid metric name \(metric.name)")
        families.withLock { families in
            precondition(!families.contains { $0.name == metric.name }, "metric \(metric.name) registered twice")
            families.append(metric)
        }
        return metric
    }
}

/// One metric family (name, help, type, samples).
protocol MetricFamily: Sendable {
    var name: String { get }
    var help: String { get }
    var typeName: String { get }
    func render(into out: inout String)
}

/// A gauge sampled at render time.
final class CollectedGauge: MetricFamily {
    let name: String
    let help: String
    let labelNames: [String]
    let collect: @Sendable () -> [(labels: [String], value: Double)]
    var typeName: String { "gauge" }

    init(name: String, help: String, labelNames: [String], collect: @escaping @Sendable () -> [(labels: [String], value: Double)]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.collect = collect
    }

    func render(into out: inout String) {
        for sample in collect() {
            out += "\(name)\(PrometheusText.labels(labelNames, sample.labels)) \(PrometheusText.value(sample.value))\n"
        }
    }
}
