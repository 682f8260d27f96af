/// A connection's input bytes: `storage[start..<end]` are received and not yet consumed; reads land at
/// `end`. Consumed space is reclaimed by moving the live bytes to the front only when room runs out.
struct ReadBuffer {
    var storage: [UInt8]
    var start = 0
    var end = 0

    init(capacity: Int) {
        storage = [UInt8](repeating: 0, count: capacity)
    }

    var count: Int { end - start }
    var isEmpty: Bool { start == end }

    /// Marks `n` bytes as consumed.
    mutating func consume(_ n: Int) {
        start += n
        if start == end {
            start = 0
            end = 0
        }
    }

    /// Makes room for at least `minimum` more bytes at `end`, growing up to `limit` total capacity
    /// (returns false when the live bytes already fill `limit`).
    mutating func reserve(_ minimum: Int, limit: Int) -> Bool {
        if storage.count - end >= minimum { return true }
        if start > 0 {
            storage.withUnsafeMutableBytes { raw in
                let base = raw.baseAddress!
                (base + 0).copyMemory(from: base + start, byteCount: end - start)
            }
            end -= start
            start = 0
            if storage.count - end >= minimum { return true }
        }
        guard storage.count < limit else { return storage.count > end }
        let grown = min(max(storage.count * 2, end + minimum), limit)
        storage.append(contentsOf: repeatElement(0, count: grown - storage.count))
        return storage.count > end
    }

    /// Shrinks an empty buffer back to `capacity` (idle connections keep little memory).
    mutating func shrinkIfIdle(to capacity: Int) {
        guard isEmpty, storage.count > capacity else { return }
        storage = [UInt8](repeating: 0, count: capacity)
    }
}
