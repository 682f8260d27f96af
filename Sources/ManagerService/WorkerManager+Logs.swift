import BoxCore
import DockerEngine
import Telemetry
import Posix

/// Following workers' output (§4.5).
extension WorkerManager {
    /// Follows a worker's stdout/stderr until it stops: each line becomes a JSON line on the manager's log sink.
    /// `fromStart` for new workers (everything they printed); adopted ones only from now on.
    func startFollowingLogs(of record: WorkerRecord, fromStart: Bool) {
        guard followers[record.key] == nil else { return }
        let formatter = WorkerLogFormatter(containerName: record.name, function: record.function)
        let stream = backend.logs(
            record.key, follow: true, tail: fromStart ? "all" : "0",
            since: fromStart ? nil : Int(clock.wallMilliseconds() / 1000))
        let sink = logger.sink
        let id = record.key
        let tails = logTails
        tails.open(id)
        // Detached: reading and formatting output must not run on (and queue behind) the actor.
        followers[id] = Task.detached {
            // Lines are cut at 256 KiB (the rest of a cut line is discarded), so a function printing without
            // newlines cannot grow the Manager's memory (docs/manager.md).
            var stdout = BoundedLineSplitter(), stderr = BoundedLineSplitter()
            func emit(_ line: BoundedLineSplitter.Line, _ stream: String) {
                let now = WallClock.epochMilliseconds()
                if line.discarded == nil { tails.append(id, line: line.bytes, stream: stream) }
                if let discarded = line.discarded {
                    sink.write(formatter.cutNotice(stream: stream, discardedBytes: discarded, epochMilliseconds: now))
                } else if let entry = formatter.line(line.bytes, stream: stream, epochMilliseconds: now, cut: line.cut)
                {
                    sink.write(entry)
                }
            }
            do {
                for try await frame in stream {
                    if frame.stream == .stderr {
                        for line in stderr.feed(frame.bytes) { emit(line, "stderr") }
                    } else {
                        for line in stdout.feed(frame.bytes) { emit(line, "stdout") }
                    }
                }
            } catch {}
            if let rest = stdout.flush() { emit(rest, "stdout") }
            if let rest = stderr.flush() { emit(rest, "stderr") }
            await self.followerEnded(id)
        }
    }

    func followerEnded(_ id: String) {
        followers.removeValue(forKey: id)
        logTails.close(id)
    }
}

extension WorkerManager {
    /// Stops every log follower (at shutdown).
    func stopFollowing() {
        for task in followers.values { task.cancel() }
        followers.removeAll()
    }
}
