/// What the dispatcher knows of a queued event besides its payload (the payload stays on disk).
struct SpooledEvent: Sendable, Equatable {
    /// The 202's request id: also the function's `context.aws_request_id` and the dead record's `requestId`.
    var id: String
    var function: String
    var traceID: String
    /// Wall-clock admission time, milliseconds since the epoch (ages survive restarts).
    var enqueuedAtMillis: Int64
    var progress = EventProgress()
}

/// Where an event stands in AWS's retry policy (docs/async-invocations.md).
struct EventProgress: Sendable, Equatable {
    /// Attempts that reached the function (AWS's `approximateInvokeCount`).
    var invokeCount = 0
    /// Attempts that ended in a function error (counted against `event_retry_attempts`).
    var functionErrors = 0
    /// Throttles and system errors in a row (exponential backoff step).
    var backoffStep = 0
    /// Not run before this wall-clock instant (milliseconds since the epoch); 0 = at once.
    var dueAtMillis: Int64 = 0
}

/// One record of the event spool. Framing (docs/async-invocations.md): magic `ESBR`, body length (u32 LE),
/// CRC-32C of the body (u32 LE), body. Body: kind byte, then the fields; strings are u16 length + UTF-8.
enum SpoolRecord: Sendable, Equatable {
    /// An accepted event; its payload is the body's tail.
    case admit(SpooledEvent, payload: [UInt8])
    /// The event finished (succeeded, or its dead record is written): not replayed.
    case done(id: String)
    /// The event's retry state after a failed attempt (written without fsync: losing it only repeats an attempt).
    case progress(id: String, EventProgress)

    static let magic: [UInt8] = Array("ESBR".utf8)
    static let headerSize = 12
    /// Largest body accepted when reading: a 6 MiB payload and its fields fit with room to spare.
    static let maxBodySize = 64 << 20

    static let kindAdmit: UInt8 = 1
    static let kindDone: UInt8 = 2
    static let kindProgress: UInt8 = 3

    /// The framed bytes.
    func encoded() -> [UInt8] {
        var body: [UInt8] = []
        switch self {
        case .admit(let e, let payload):
            body.reserveCapacity(64 + e.id.utf8.count + e.function.utf8.count + e.traceID.utf8.count + payload.count)
            body.append(Self.kindAdmit)
            Self.put(string: e.id, into: &body)
            Self.put(string: e.function, into: &body)
            Self.put(string: e.traceID, into: &body)
            Self.put(UInt64(bitPattern: e.enqueuedAtMillis), into: &body)
            Self.put(progress: e.progress, into: &body)
            Self.put(UInt32(payload.count), into: &body)
            body += payload
        case .done(let id):
            body.append(Self.kindDone)
            Self.put(string: id, into: &body)
        case .progress(let id, let p):
            body.append(Self.kindProgress)
            Self.put(string: id, into: &body)
            Self.put(progress: p, into: &body)
        }
        var out = Self.magic
        out.reserveCapacity(Self.headerSize + body.count)
        Self.put(UInt32(body.count), into: &out)
        Self.put(CRC32C.checksum(body), into: &out)
        out += body
        return out
    }

    /// Offset of an admit record's payload from the record's first byte (header included).
    static func payloadOffset(of e: SpooledEvent) -> Int {
        headerSize + 1 + 6 + e.id.utf8.count + e.function.utf8.count + e.traceID.utf8.count + 8 + 20 + 4
    }

    /// Decodes a body whose checksum matched; nil when its fields do not parse.
    static func decode(body: ArraySlice<UInt8>) -> SpoolRecord? {
        var r = ByteReader(bytes: body)
        guard let kind = r.u8() else { return nil }
        switch kind {
        case kindAdmit:
            guard let id = r.string(), let function = r.string(), let trace = r.string(), let at = r.u64(),
                let progress = r.progress(), let n = r.u32(), let payload = r.bytes(Int(n)), r.isAtEnd
            else { return nil }
            let e = SpooledEvent(
                id: id, function: function, traceID: trace, enqueuedAtMillis: Int64(bitPattern: at), progress: progress)
            return .admit(e, payload: payload)
        case kindDone:
            guard let id = r.string(), r.isAtEnd else { return nil }
            return .done(id: id)
        case kindProgress:
            guard let id = r.string(), let p = r.progress(), r.isAtEnd else { return nil }
            return .progress(id: id, p)
        default:
            return nil
        }
    }

    private static func put(string: String, into out: inout [UInt8]) {
        let utf8 = Array(string.utf8.prefix(Int(UInt16.max)))
        put(UInt16(utf8.count), into: &out)
        out += utf8
    }

    private static func put(progress p: EventProgress, into out: inout [UInt8]) {
        put(UInt32(clamping: p.invokeCount), into: &out)
        put(UInt32(clamping: p.functionErrors), into: &out)
        put(UInt32(clamping: p.backoffStep), into: &out)
        put(UInt64(bitPattern: p.dueAtMillis), into: &out)
    }

    static func put<T: FixedWidthInteger>(_ v: T, into out: inout [UInt8]) {
        for shift in stride(from: 0, to: T.bitWidth, by: 8) { out.append(UInt8(truncatingIfNeeded: v >> shift)) }
    }
}

/// Little-endian reads over a record body; every read is bounds-checked (a damaged body yields nil, never a trap).
struct ByteReader {
    let bytes: ArraySlice<UInt8>
    var index: Int

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.index = bytes.startIndex
    }

    var isAtEnd: Bool { index == bytes.endIndex }

    mutating func u8() -> UInt8? {
        guard index < bytes.endIndex else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func integer<T: FixedWidthInteger>(_: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard bytes.endIndex - index >= size else { return nil }
        var v: T = 0
        for i in 0..<size { v |= T(bytes[index + i]) << (8 * i) }
        index += size
        return v
    }

    mutating func u16() -> UInt16? { integer(UInt16.self) }
    mutating func u32() -> UInt32? { integer(UInt32.self) }
    mutating func u64() -> UInt64? { integer(UInt64.self) }

    mutating func bytes(_ n: Int) -> [UInt8]? {
        guard n >= 0, bytes.endIndex - index >= n else { return nil }
        defer { index += n }
        return Array(bytes[index..<index + n])
    }

    mutating func string() -> String? {
        guard let n = u16(), let b = bytes(Int(n)) else { return nil }
        return String(validating: b, as: UTF8.self)
    }

    mutating func progress() -> EventProgress? {
        guard let a = u32(), let b = u32(), let c = u32(), let d = u64() else { return nil }
        return EventProgress(
            invokeCount: Int(a), functionErrors: Int(b), backoffStep: Int(c), dueAtMillis: Int64(bitPattern: d))
    }
}

/// Reads a segment's records, skipping damaged ones: a record whose header, length or checksum is wrong (torn by a
/// crash mid-write, or damaged on disk) is reported and the scan resumes at the next `ESBR` magic that starts a
/// valid record.
struct SpoolSegmentScanner {
    struct Entry { var offset: Int; var record: SpoolRecord }
    struct Damage: Equatable { var offset: Int; var reason: String }

    static func scan(_ bytes: [UInt8]) -> (entries: [Entry], damage: [Damage]) {
        var entries: [Entry] = []
        var damage: [Damage] = []
        var at = 0
        var damagedFrom: (offset: Int, reason: String)?
        while at < bytes.count {
            switch record(in: bytes, at: at) {
            case .success(let (record, size)):
                if let d = damagedFrom { damage.append(Damage(offset: d.offset, reason: d.reason)); damagedFrom = nil }
                entries.append(Entry(offset: at, record: record))
                at += size
            case .failure(let why):
                if damagedFrom == nil { damagedFrom = (at, why.reason) }
                at = nextMagic(in: bytes, after: at) ?? bytes.count
            }
        }
        if let d = damagedFrom { damage.append(Damage(offset: d.offset, reason: d.reason)) }
        return (entries, damage)
    }

    struct Failure: Error { var reason: String }

    static func record(in bytes: [UInt8], at offset: Int) -> Result<(SpoolRecord, Int), Failure> {
        let left = bytes.count - offset
        guard left >= SpoolRecord.headerSize else { return .failure(Failure(reason: "truncated header")) }
        guard bytes[offset..<offset + 4].elementsEqual(SpoolRecord.magic) else {
            return .failure(Failure(reason: "bad magic"))
        }
        var r = ByteReader(bytes: bytes[offset + 4..<offset + 12])
        let length = Int(r.u32()!), crc = r.u32()!
        guard length <= SpoolRecord.maxBodySize else { return .failure(Failure(reason: "bad length \(length)")) }
        guard left - SpoolRecord.headerSize >= length else { return .failure(Failure(reason: "truncated record")) }
        let body = bytes[offset + 12..<offset + 12 + length]
        let actual = CRC32C.checksum(body)
        guard actual == crc else { return .failure(Failure(reason: "checksum mismatch")) }
        guard let record = SpoolRecord.decode(body: body) else { return .failure(Failure(reason: "unreadable fields")) }
        return .success((record, SpoolRecord.headerSize + length))
    }

    private static func nextMagic(in bytes: [UInt8], after offset: Int) -> Int? {
        (offset + 1..<max(offset + 1, bytes.count - 3)).first { bytes[$0..<$0 + 4].elementsEqual(SpoolRecord.magic) }
    }
}
