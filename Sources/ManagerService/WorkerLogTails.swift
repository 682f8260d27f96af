import Synchronization

/// The recent output of every followed worker, so the gateway can return an invocation's log with
/// `X-Amz-Log-Type: Tail` (docs/manager-api.md, `GET /v1/workers/{id}/logs`). Per worker: the last 512 lines or
/// 128 KiB, each line kept to its first 4 KiB, the RIE's own `(rapid)` lines left out (AWS's tail has none).
final class WorkerLogTails: Sendable {
    struct Ring {
        var lines: [String] = []
        var bytes = 0
    }

    static let maxLines = 512
    static let maxBytes = 128 * 1024
    static let maxLineBytes = 4 * 1024

    private let rings = Mutex<[String: Ring]>([:])

    /// Starts keeping lines of `worker` (a follower started).
    func open(_ worker: String) {
        rings.withLock { if $0[worker] == nil { $0[worker] = Ring() } }
    }

    /// Forgets `worker` (its follower ended).
    func close(_ worker: String) {
        rings.withLock { _ = $0.removeValue(forKey: worker) }
    }

    /// Keeps one output line of `worker`.
    func append(_ worker: String, line: [UInt8], stream: String) {
        if stream == "stderr", Self.isRIEDiagnostic(line) { return }
        let text = String(decoding: line.prefix(Self.maxLineBytes), as: UTF8.self)
        rings.withLock { all in
            guard var ring = all[worker] else { return }
            ring.lines.append(text)
            ring.bytes += text.utf8.count
            var drop = 0
            while ring.lines.count - drop > Self.maxLines || ring.bytes > Self.maxBytes {
                ring.bytes -= ring.lines[drop].utf8.count
                drop += 1
            }
            if drop > 0 { ring.lines.removeFirst(drop) }
            all[worker] = ring
        }
    }

    /// The lines of invocation `requestID` on `worker`, from its `START RequestId:` line through its `REPORT
    /// RequestId:` line (`complete` once that has arrived); nil when the worker is not followed.
    func invocation(_ worker: String, requestID: String) -> (lines: [String], complete: Bool)? {
        rings.withLock { all -> (lines: [String], complete: Bool)? in
            guard let ring = all[worker] else { return nil }
            let start = "START RequestId: \(requestID) ", report = "REPORT RequestId: \(requestID)"
            let end = ring.lines.lastIndex { $0.hasPrefix(report) }
            // Back from the REPORT line (or the newest line) to the START line; a long invocation's START may have
            // left the ring already, then its kept lines are all there is (the tail is what is asked for).
            let last = end ?? ring.lines.count - 1
            guard last >= 0 else { return ([], false) }
            let first = ring.lines[...last].lastIndex { $0.hasPrefix(start) }
            if first == nil && end == nil { return ([], false) }
            return (Array(ring.lines[(first ?? 0)...last]), end != nil)
        }
    }

    /// `06 Dec 2026 19:55:11,740 [INFO] (rapid) INVOKE START(...)`: the emulator's own diagnostics on stderr.
    static func isRIEDiagnostic(_ line: [UInt8]) -> Bool {
        let marker = Array("] (rapid) ".utf8)
        let head = line.prefix(64)
        guard head.count >= marker.count else { return false }
        return (0...(head.count - marker.count)).contains { i in head[i..<(i + marker.count)].elementsEqual(marker) }
    }
}
