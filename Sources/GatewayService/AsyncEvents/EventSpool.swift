import Posix
import Synchronization

/// The gateway's durable queue of accepted `Event` invocations (docs/async-invocations.md): append-only segment
/// files of checksummed records in `EVENT_SPOOL_DIR`. An admission returns once its record is written and
/// fdatasync'ed (group commit: one fdatasync per batch of concurrent admissions); finishing an event appends a
/// `done` record without waiting; segments are deleted oldest first, once their events and every older segment's are
/// done. `replay()` rebuilds the queue
/// at start, skipping damaged records with a warning.
final class EventSpool: Sendable {
    typealias AdmitError = EventAdmissionError

    struct Segment: Sendable {
        var path: String
        var readFD: Int32
        var bytes: Int
        /// Events admitted in it and not yet done.
        var live: Int
    }

    struct Location: Sendable {
        var segment: UInt64
        var payloadOffset: Int
        var payloadLength: Int
    }

    struct Index: Sendable {
        var segments: [UInt64: Segment] = [:]
        var current: UInt64?
        var currentWriteFD: Int32 = -1
        var nextSequence: UInt64 = 1
        var locations: [String: Location] = [:]
        var totalBytes = 0
        var reservedBytes = 0
        var fsyncs: UInt64 = 0
        var admitted: UInt64 = 0
    }

    /// What `replay()` found.
    struct Replay: Sendable {
        var events: [SpooledEvent] = []
        var warnings: [String] = []
    }

    let directory: String
    let deadDirectory: String
    let maxBytes: Int
    let segmentLimit: Int
    private let index = Mutex(Index())
    private let queue = SpoolJobQueue()
    private let writerExited = DoneSignal()

    /// Creates the directories. `segmentLimit` (default: a quarter of `maxBytes`, at most 64 MiB) is the size at
    /// which the writer starts a new segment.
    init(directory: String, maxBytes: Int, segmentLimit: Int? = nil) throws(PosixError) {
        self.directory = directory
        self.deadDirectory = directory + "/dead"
        self.maxBytes = maxBytes
        self.segmentLimit = segmentLimit ?? max(4096, min(64 << 20, maxBytes / 4))
        try FileIO.makeDirectory(deadDirectory)
    }

    static func segmentName(_ sequence: UInt64) -> String {
        let hex = String(sequence, radix: 16)
        return "seg-" + String(repeating: "0", count: max(0, 16 - hex.count)) + hex + ".log"
    }

    static func sequence(ofSegment name: String) -> UInt64? {
        guard name.hasPrefix("seg-"), name.hasSuffix(".log") else { return nil }
        return UInt64(name.dropFirst(4).dropLast(4), radix: 16)
    }

    // MARK: Replay

    /// Reads every segment (oldest first) and returns the events not done, in admission order, with their retry
    /// state. Damaged records are skipped (one warning each); segments with nothing left are deleted. Call once,
    /// before `start()`.
    func replay() -> Replay {
        var result = Replay()
        let sequences = FileIO.list(directory).compactMap(Self.sequence(ofSegment:)).sorted()
        for name in FileIO.list(directory) where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            FileIO.remove(directory + "/" + name)
        }
        var events: [String: (event: SpooledEvent, location: Location)] = [:]
        var order: [String] = []
        var sizes: [UInt64: Int] = [:]
        for seq in sequences {
            let path = directory + "/" + Self.segmentName(seq)
            let bytes: [UInt8]
            do {
                bytes = try FileIO.readAll(path)
            } catch {
                result.warnings.append("event spool: cannot read \(path): \(error); its events are skipped")
                continue
            }
            sizes[seq] = bytes.count
            let scan = SpoolSegmentScanner.scan(bytes)
            for d in scan.damage {
                result.warnings.append(
                    "event spool: damaged record skipped in \(Self.segmentName(seq)) at offset \(d.offset) (\(d.reason))"
                )
            }
            for entry in scan.entries {
                switch entry.record {
                case .admit(let e, let payload):
                    guard events[e.id] == nil else { continue }
                    let location = Location(
                        segment: seq, payloadOffset: entry.offset + SpoolRecord.payloadOffset(of: e),
                        payloadLength: payload.count)
                    events[e.id] = (e, location)
                    order.append(e.id)
                case .done(let id):
                    events[id] = nil
                case .progress(let id, let p):
                    events[id]?.event.progress = p
                }
            }
        }
        index.withLock { ix in
            for seq in sequences {
                ix.nextSequence = max(ix.nextSequence, seq + 1)
                guard let size = sizes[seq] else { continue }
                let path = directory + "/" + Self.segmentName(seq)
                guard let fd = try? FileIO.openForReading(path) else { continue }
                ix.segments[seq] = Segment(path: path, readFD: fd, bytes: size, live: 0)
                ix.totalBytes += size
            }
            for id in order {
                guard let (e, location) = events[id], ix.segments[location.segment] != nil else { continue }
                ix.locations[id] = location
                ix.segments[location.segment]?.live += 1
                result.events.append(e)
            }
            Self.deleteFinishedPrefix(in: &ix)
        }
        return result
    }

    /// Deletes the oldest segments while none of their events is left. A segment is never deleted before an older
    /// one: its `done` and `progress` records may be about events admitted in an older segment (records go to the
    /// segment being written), and without them a replay would run finished events again and reset retry counts
    /// (docs/async-invocations.md, "Segments").
    private static func deleteFinishedPrefix(in ix: inout Index) {
        while let oldest = ix.segments.keys.min(), oldest != ix.current, ix.segments[oldest]?.live == 0 {
            delete(oldest, in: &ix)
        }
    }

    private static func delete(_ seq: UInt64, in ix: inout Index) {
        guard let segment = ix.segments.removeValue(forKey: seq) else { return }
        FileIO.closeDescriptor(segment.readFD)
        FileIO.remove(segment.path)
        ix.totalBytes -= segment.bytes
    }

    // MARK: Writing

    /// Starts the writer thread.
    func start() {
        OSThread.start(name: "esb-event-spool") { [self] in
            while let batch = queue.take() { write(batch) }
            index.withLock { ix in
                if ix.currentWriteFD >= 0 { try? FileIO.syncData(ix.currentWriteFD) }
            }
            writerExited.signal()
        }
    }

    /// Writes `event` durably; returns once it is fsynced. `.full` when it does not fit in `EVENT_SPOOL_MAX_BYTES`.
    func admit(_ event: SpooledEvent, payload: [UInt8]) async throws(AdmitError) {
        let bytes = SpoolRecord.admit(event, payload: payload).encoded()
        let fits = index.withLock { ix -> Bool in
            guard ix.totalBytes + ix.reservedBytes + bytes.count <= maxBytes else { return false }
            ix.reservedBytes += bytes.count
            return true
        }
        guard fits else { throw .full }
        let result = await withCheckedContinuation { (c: CheckedContinuation<Result<Void, AdmitError>, Never>) in
            let admission = SpoolJob.Admission(
                id: event.id, payloadOffset: SpoolRecord.payloadOffset(of: event), payloadLength: payload.count,
                continuation: c)
            if !queue.push(SpoolJob(bytes: bytes, admission: admission, reserved: bytes.count)) {
                index.withLock { $0.reservedBytes -= bytes.count }
                c.resume(returning: .failure(.closed))
            }
        }
        try result.get()
    }

    /// The event finished (success, or its dead record is written): it will not be replayed.
    func finish(_ id: String) {
        index.withLock { ix in
            guard let location = ix.locations.removeValue(forKey: id) else { return }
            ix.segments[location.segment]?.live -= 1
            Self.deleteFinishedPrefix(in: &ix)
        }
        _ = queue.push(SpoolJob(bytes: SpoolRecord.done(id: id).encoded(), admission: nil, reserved: 0))
    }

    /// Records an event's retry state (no fsync: after a crash the attempt may be repeated, never lost).
    func record(_ id: String, progress: EventProgress) {
        _ = queue.push(SpoolJob(bytes: SpoolRecord.progress(id: id, progress).encoded(), admission: nil, reserved: 0))
    }

    /// The payload of a queued event, read from its segment.
    func payload(of id: String) throws(PosixError) -> [UInt8] {
        // The descriptor stays open while the event is queued: its segment cannot be deleted before `finish`.
        guard
            let (fd, location) = index.withLock({ ix -> (Int32, Location)? in
                guard let l = ix.locations[id], let s = ix.segments[l.segment] else { return nil }
                return (s.readFD, l)
            })
        else { throw PosixError.notFound("event \(id) is not in the spool") }
        return try FileIO.readAt(fd, offset: location.payloadOffset, count: location.payloadLength)
    }

    /// Bytes on disk (segments) and counters for metrics.
    var usage: (bytes: Int, segments: Int, fsyncs: UInt64, admitted: UInt64) {
        index.withLock { ($0.totalBytes, $0.segments.count, $0.fsyncs, $0.admitted) }
    }

    /// Stops the writer after the records already queued (they are written and fsynced); waits up to `timeout`.
    func close(timeout: Double = 5) {
        queue.close()
        _ = writerExited.wait(timeout: .milliseconds(Int(timeout * 1000)))
    }

    /// One batch: one write, one fdatasync when it holds an admission; then the admissions are answered.
    private func write(_ batch: [SpoolJob]) {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(batch.reduce(0) { $0 + $1.bytes.count })
        var starts: [Int] = []
        for job in batch {
            starts.append(buffer.count)
            buffer += job.bytes
        }
        let reserved = batch.reduce(0) { $0 + $1.reserved }
        let durable = batch.contains { $0.admission != nil }
        var failure: AdmitError?
        do throws(PosixError) {
            let (seq, fd, base) = try currentSegment()
            try FileIO.writeAll(fd, buffer)
            if durable { try FileIO.syncData(fd) }
            index.withLock { ix in
                ix.segments[seq]?.bytes += buffer.count
                ix.totalBytes += buffer.count
                ix.reservedBytes -= reserved
                if durable { ix.fsyncs += 1 }
                for (job, start) in zip(batch, starts) {
                    guard let a = job.admission else { continue }
                    ix.locations[a.id] = Location(
                        segment: seq, payloadOffset: base + start + a.payloadOffset, payloadLength: a.payloadLength)
                    ix.segments[seq]?.live += 1
                    ix.admitted += 1
                }
            }
        } catch {
            failure = error.isNoSpace ? .full : .io(error.description)
            // The segment may end in a torn record now: continue in a new one (replay skips the torn bytes).
            index.withLock { ix in
                ix.reservedBytes -= reserved
                Self.retireCurrent(in: &ix)
            }
        }
        for job in batch {
            guard let a = job.admission else { continue }
            a.continuation.resume(returning: failure.map { .failure($0) } ?? .success(()))
        }
    }

    /// The segment to append to, starting a new one when there is none or it reached `segmentLimit`.
    private func currentSegment() throws(PosixError) -> (UInt64, Int32, Int) {
        let existing = index.withLock { ix -> (UInt64, Int32, Int)? in
            guard let seq = ix.current, let s = ix.segments[seq], s.bytes < segmentLimit else { return nil }
            return (seq, ix.currentWriteFD, s.bytes)
        }
        if let existing { return existing }
        let seq = index.withLock { ix -> UInt64 in
            Self.retireCurrent(in: &ix)
            defer { ix.nextSequence += 1 }
            return ix.nextSequence
        }
        let path = directory + "/" + Self.segmentName(seq)
        let writeFD = try FileIO.openForAppend(path)
        let readFD: Int32
        do throws(PosixError) {
            readFD = try FileIO.openForReading(path)
            try FileIO.syncDirectory(directory)
        } catch {
            FileIO.closeDescriptor(writeFD)
            FileIO.remove(path)
            throw error
        }
        index.withLock { ix in
            ix.segments[seq] = Segment(path: path, readFD: readFD, bytes: 0, live: 0)
            ix.current = seq
            ix.currentWriteFD = writeFD
        }
        return (seq, writeFD, 0)
    }

    /// Stops appending to the current segment; it is deleted with the finished oldest ones (`deleteFinishedPrefix`).
    private static func retireCurrent(in ix: inout Index) {
        if ix.currentWriteFD >= 0 { FileIO.closeDescriptor(ix.currentWriteFD) }
        ix.currentWriteFD = -1
        ix.current = nil
        deleteFinishedPrefix(in: &ix)
    }
}
