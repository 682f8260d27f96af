import Synchronization

/// A Prometheus counter with optional labels: one sample per distinct label-value list.
public final class Counter: MetricFamily {
    /// Metric name.
    public let name: String
    /// HELP text.
    public let help: String
    /// Label names, in order.
    public let labelNames: [String]
    var typeName: String { "counter" }
    private let samples = Mutex<(values: [[String]: Double], order: [[String]])>(([:], []))

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
    }

    /// Adds `amount` (≥ 0) to the sample of these label values (one per label name, in order).
    public func increment(by amount: Double = 1, labels: [String] = []) {
        precondition(labels.count == labelNames.count, "\(name): expected \(labelNames.count) label values")
        guard amount >= 0 else { return }
        samples.withLock { samples in
            if samples.values[labels] == nil { samples.order.append(labels) }
            samples.values[labels, default: 0] += amount
        }
    }

    /// The current value of one sample (0 when never incremented).
    public func value(labels: [String] = []) -> Double {
        samples.withLock { $0.values[labels] ?? 0 }
    }

    func render(into out: inout String) {
        let snapshot = samples.withLock { $0 }
        for key in snapshot.order {
            out += "\(name)\(PrometheusText.labels(labelNames, key)) \(PrometheusText.value(snapshot.values[key] ?? 0))\n"
        }
    }
}

/// A Prometheus gauge with optional labels.
public final class Gauge: MetricFamily {
    /// Metric name.
    public let name: String
    /// HELP text.
    public let help: String
    /// Label names, in order.
    public let labelNames: [String]
    var typeName: String { "gauge" }
    private let samples = Mutex<(values: [[String]: Double], order: [[String]])>(([:], []))

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
    }

    /// Sets the sample of these label values.
    public func set(_ value: Double, labels: [String] = []) {
        update(labels) { $0 = value }
    }

    /// Adds `delta` (may be negative) to the sample of these label values.
    public func add(_ delta: Double, labels: [String] = []) {
        update(labels) { $0 += delta }
    }

    /// The current value of one sample (0 when never set).
    public func value(labels: [String] = []) -> Double {
        samples.withLock { $0.values[labels] ?? 0 }
    }

    private func update(_ labels: [String], _ change: (inout Double) -> Void) {
        precondition(labels.count == labelNames.count, "\(name): expected \(labelNames.count) label values")
        samples.withLock { samples in
            if samples.values[labels] == nil { samples.order.append(labels) }
            change(&samples.values[labels, default: 0])
        }
    }

    func render(into out: inout String) {
        let snapshot = samples.withLock { $0 }
        for key in snapshot.order {
            out += "\(name)\(PrometheusText.labels(labelNames, key)) \(PrometheusText.value(snapshot.values[key] ?? 0))\n"
        }
    }
}
