public import Prometheus
import Synchronization

/// The box's series on swift-prometheus's `PrometheusCollectorRegistry` (docs/observability.md): a name and its
/// help text are all a series needs; the registry keeps one family per name and renders text format 0.0.4.
extension PrometheusCollectorRegistry {
    /// The counter `name{labels}`, created on first use.
    public func counter(_ name: String, help: String, labels: [(String, String)] = []) -> Counter {
        makeCounter(descriptor: Self.descriptor(name, help), labels: labels)
    }

    /// The gauge `name{labels}`, created on first use.
    public func gauge(_ name: String, help: String, labels: [(String, String)] = []) -> Gauge {
        makeGauge(descriptor: Self.descriptor(name, help), labels: labels)
    }

    /// The histogram `name{labels}` with `buckets` (upper bounds), created on first use.
    public func histogram(_ name: String, help: String, labels: [(String, String)] = [], buckets: [Double])
        -> ValueHistogram
    {
        makeValueHistogram(descriptor: Self.descriptor(name, help), labels: labels, buckets: buckets)
    }

    /// The text exposition's content type.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        // The whole name as `metricName`: our names are already `esb_<daemon>_<what>_<unit>`.
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}

/// Counters whose totals another component keeps (the shipper's dropped lines, the invoker's Manager calls):
/// at scrape time each registry counter is advanced by what the total grew since the last scrape.
public final class CollectedCounters: Sendable {
    private let exported = Mutex<[String: Int64]>([:])

    public init() {}

    /// Brings `counter` (identified by `key`) up to `total`; with a `scale`, the counter counts `total × scale`
    /// (CPU microseconds shown as seconds).
    public func update(_ counter: Counter, key: String, total: Int64, scale: Double? = nil) {
        let delta = exported.withLock { seen -> Int64 in
            let last = seen[key] ?? 0
            seen[key] = max(last, total)
            return max(0, total - last)
        }
        guard delta > 0 else { return }
        if let scale { counter.increment(by: Double(delta) * scale) } else { counter.increment(by: delta) }
    }
}

/// One sample line of a text exposition (`name{label="value",...} value`), for views built from the registry's
/// own output (the gateway's status page) so they can never disagree with `/metrics`.
public struct PrometheusSample: Sendable, Equatable {
    /// Series name, e.g. `esb_gateway_requests_total`.
    public var name: String
    /// Labels, unescaped.
    public var labels: [String: String]
    /// The value (`+Inf` and the like as Double's).
    public var value: Double

    /// Every sample of `text` (comments and malformed lines skipped).
    public static func parse(_ text: String) -> [PrometheusSample] {
        var samples: [PrometheusSample] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            if let sample = parseLine(Array(line.utf8)) { samples.append(sample) }
        }
        return samples
    }

    private static func parseLine(_ b: [UInt8]) -> PrometheusSample? {
        var i = 0
        while i < b.count, b[i] != UInt8(ascii: "{"), b[i] != UInt8(ascii: " ") { i += 1 }
        let name = String(decoding: b[0..<i], as: UTF8.self)
        var labels: [String: String] = [:]
        if i < b.count, b[i] == UInt8(ascii: "{") {
            i += 1
            while i < b.count, b[i] != UInt8(ascii: "}") {
                let keyStart = i
                while i < b.count, b[i] != UInt8(ascii: "=") { i += 1 }
                let key = String(decoding: b[keyStart..<i], as: UTF8.self)
                i += 2  // `="`
                var value: [UInt8] = []
                while i < b.count, b[i] != UInt8(ascii: "\"") {
                    if b[i] == UInt8(ascii: "\\"), i + 1 < b.count {
                        i += 1
                        value.append(b[i] == UInt8(ascii: "n") ? 0x0A : b[i])
                    } else {
                        value.append(b[i])
                    }
                    i += 1
                }
                labels[key] = String(decoding: value, as: UTF8.self)
                i += 1  // closing quote
                if i < b.count, b[i] == UInt8(ascii: ",") { i += 1 }
            }
            i += 1  // `}`
        }
        guard i < b.count, let value = Double(String(decoding: b[(i + 1)...], as: UTF8.self)) else { return nil }
        return PrometheusSample(name: name, labels: labels, value: value)
    }
}
