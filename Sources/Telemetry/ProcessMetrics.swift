import Posix
public import Prometheus

/// The `process_*` series both daemons export (docs/observability.md), read from `/proc/self` at scrape time:
/// CPU seconds, resident memory and open file descriptors, with the names of Prometheus's client libraries.
public enum ProcessMetrics {
    /// Sets the process gauges and brings `process_cpu_seconds_total` up to date.
    public static func update(_ registry: PrometheusCollectorRegistry, collected: CollectedCounters) {
        let cpu = registry.counter(
            "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.")
        if let micros = Posix.processCPUMicroseconds() {
            // Exported in whole microseconds through an integer total, shown in seconds.
            collected.update(cpu, key: "process_cpu_micros", total: micros, scale: 1e-6)
        }
        registry.gauge("process_resident_memory_bytes", help: "Resident memory size in bytes.").set(
            Double(residentBytes()))
        registry.gauge("process_open_fds", help: "Number of open file descriptors.").set(Double(openFileDescriptors()))
    }

    /// The `<daemon>_build_info{version}` gauge, always 1.
    public static func buildInfo(_ registry: PrometheusCollectorRegistry, daemon: String, version: String) {
        registry.gauge(
            "esb_\(daemon)_build_info", help: "Build of the running \(daemon).", labels: [("version", version)]
        ).set(Double(1))
    }

    /// `VmRSS` of `/proc/self/status`, in bytes (0 when unreadable).
    static func residentBytes() -> Int {
        guard let bytes = try? FileIO.readAll("/proc/self/status") else { return 0 }
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let digits = line.dropFirst("VmRSS:".count).filter { $0.isNumber }
            return (Int(digits) ?? 0) * 1024
        }
        return 0
    }

    /// Entries of `/proc/self/fd`, less the one this count opens.
    static func openFileDescriptors() -> Int {
        max(0, FileIO.list("/proc/self/fd").count - 1)
    }
}
