import CLinuxShims
#if canImport(Glibc)
    import Glibc
#endif

/// This machine's (or container's) name, from `gethostname(2)`: no DNS lookup, unlike Foundation's `hostName`.
/// Nil when the call fails or the name is empty.
public func hostName() -> String? {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
    let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return name.isEmpty ? nil : name
}

/// The machine's hardware name from `uname(2)` (`x86_64`, `aarch64`, ...).
public func machineHardwareName() -> String {
    var info = utsname()
    uname(&info)
    return withUnsafeBytes(of: &info.machine) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
}

/// Sends `signal` to process `pid` (`kill(2)`).
public func sendSignal(_ signal: Int32, toProcess pid: Int32) throws(PosixError) {
    guard kill(pid, signal) == 0 else { throw PosixError(code: errno, operation: "signal \(signal) to process \(pid)") }
}

/// Caps glibc's malloc arenas (`mallopt(M_ARENA_MAX)`; its default is eight per core): a smaller heap after load
/// for a daemon whose threads are few (docs/performance.md, "Memory"). Call before other threads exist.
public func limitMallocArenas(to count: Int) {
    _ = CLinuxShims_limit_malloc_arenas(Int32(count))
}

/// User plus system CPU time this process has used, in microseconds (`getrusage(RUSAGE_SELF)`); nil on failure.
public func processCPUMicroseconds() -> Int64? {
    var usage = rusage()
    guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return nil }
    return (Int64(usage.ru_utime.tv_sec) + Int64(usage.ru_stime.tv_sec)) * 1_000_000
        + Int64(usage.ru_utime.tv_usec) + Int64(usage.ru_stime.tv_usec)
}
