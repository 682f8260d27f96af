import Synchronization

/// A Prometheus histogram with optional labels: cumulative buckets, sum and count per label-value list.
public final class Histogram: MetricFamily {
    /// Prometheus' default buckets (seconds): 5 ms to 10 s.
    public static let defaultBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// Metric name.
    public let name: String
    /// HELP text.
    public let help: String
    /// Label names, in order.
    public let labelNames: [String]
    /// Upper bounds, ascending (without `+Inf`).
    public let buckets: [Double]
    var typeName: String { "histogram" }

    private struct Sample {
        var counts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }

    private let samples = Mutex<(values: [[String]: Sample], order: [[String]])>(([:], []))

    init(name: String, help: String, labelNames: [String], buckets: [Double]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.buckets = buckets.filter { $0.isFinite }.sorted()
    }

    /// Records one observation for these label values.
    public func observe(_ value: Double, labels: [String] = []) {
        precondition(labels.count == labelNames.count, "\(name): expected \(labelNames.count) label values")
        // The first bucket whose bound is ≥ value; render() accumulates.
        let index = buckets.firstIndex { value <= $0 } ?? buckets.count
        samples.withLock { samples in
            if samples.values[labels] == nil {
                samples.order.append(labels)
                samples.values[labels] = Sample(counts: Array(repeating: 0, count: buckets.count + 1))
            }
            samples.values[labels]!.counts[index] += 1
            samples.values[labels]!.sum += value
            samples.values[labels]!.count += 1
        }
    }

    /// Observations recorded for these label values.
    public func count(labels: [String] = []) -> UInt64 {
        samples.withLock { $0.values[labels]?.count ?? 0 }
    }

    func render(into out: inout String) {
        let snapshot = samples.withLock { $0 }
        for key in snapshot.order {
            guard let sample = snapshot.values[key] else { continue }
            var cumulative: UInt64 = 0
            for (i, bound) in buckets.enumerated() {
                cumulative += sample.counts[i]
                out += "\(name)_bucket\(PrometheusText.labels(labelNames, key, extra: ("le", PrometheusText.value(bound)))) \(cumulative)\n"
            }
            cumulative += sample.counts[buckets.count]
            out += "\(name)_bucket\(PrometheusText.labels(labelNames, key, extra: ("le", "+Inf"))) \(cumulative)\n"
            out += "\(name)_sum\(PrometheusText.labels(labelNames, key)) \(PrometheusText.value(sample.sum))\n"
            out += "\(name)_count\(PrometheusText.labels(labelNames, key)) \(sample.count)\n"
        }
    }
}
