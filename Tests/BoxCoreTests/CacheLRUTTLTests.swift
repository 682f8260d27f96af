import BoxCore
import Synchronization
import Testing

/// A hand-driven clock for the caches (no sleeps in unit tests).
final class ManualClock: Sendable {
    private let time = Mutex(Duration.zero)
    func advance(_ d: Duration) { time.withLock { $0 += d } }
    var now: Duration { time.withLock { $0 } }
    var reading: @Sendable () -> Duration { { self.now } }
}

/// `LRUTTLCache`: capacity eviction order, both TTL policies, and that every removed entry is handed back.
struct CacheLRUTTLTests {
    typealias Cache = LRUTTLCache<String, Int>

    @Test func evictsLeastRecentlyUsed() {
        let clock = ManualClock()
        var cache = Cache(capacity: 3, ttl: .seconds(30), expiry: .afterInsertion, now: clock.reading)
        #expect(cache.insert(1, for: "a").isEmpty)
        cache.insert(2, for: "b")
        cache.insert(3, for: "c")
        #expect(cache.value(for: "a") == 1)  // a becomes most recent: b is now the oldest
        let out = cache.insert(4, for: "d")
        #expect(out.map(\.key) == ["b"])
        #expect(out.map(\.reason) == [.capacity])
        #expect(out.map(\.value) == [2])
        #expect(cache.keysByRecency == ["c", "a", "d"])
        #expect(cache.peek("c") == 3)
        #expect(cache.keysByRecency == ["c", "a", "d"])  // peek does not touch recency
        #expect(cache.count == 3)
    }

    @Test func replacingAKeyHandsBackTheOldValue() {
        var cache = Cache(capacity: 2, ttl: .seconds(30), expiry: .afterInsertion, now: ManualClock().reading)
        cache.insert(1, for: "a")
        cache.insert(2, for: "b")
        let out = cache.insert(10, for: "a")
        #expect(out == [Cache.Evicted(key: "a", value: 1, reason: .replaced)])
        #expect(cache.keysByRecency == ["b", "a"])
        #expect(cache.value(for: "a") == 10)
        #expect(cache.count == 2)
    }

    static let ttlCases: [(expiry: Cache.Expiry, hitAt: Int, checkAt: Int, alive: Bool)] = [
        // Insert at 0, TTL 10 s, a hit at `hitAt`, look at `checkAt`.
        (.afterInsertion, 5, 9, true),
        (.afterInsertion, 5, 10, false),  // a hit does not extend it
        (.afterInsertion, 5, 14, false),
        (.afterLastAccess, 5, 14, true),  // unused for 9 s only
        (.afterLastAccess, 5, 15, false),
        (.afterLastAccess, 0, 10, false),
    ]

    @Test(arguments: ttlCases)
    func timeToLive(expiry: Cache.Expiry, hitAt: Int, checkAt: Int, alive: Bool) {
        let clock = ManualClock()
        var cache = Cache(capacity: 4, ttl: .seconds(10), expiry: expiry, now: clock.reading)
        cache.insert(7, for: "k")
        clock.advance(.seconds(hitAt))
        #expect(cache.value(for: "k") == 7)
        clock.advance(.seconds(checkAt - hitAt))
        #expect(cache.peek("k") == (alive ? 7 : nil))
        #expect(cache.contains("k") == alive)
        #expect(cache.value(for: "k") == (alive ? 7 : nil))
    }

    @Test func expiredEntriesAreHandedBackBySweep() {
        let clock = ManualClock()
        var cache = Cache(capacity: 10, ttl: .seconds(10), expiry: .afterLastAccess, now: clock.reading)
        cache.insert(1, for: "a")
        clock.advance(.seconds(4))
        cache.insert(2, for: "b")
        clock.advance(.seconds(4))
        cache.insert(3, for: "c")
        #expect(cache.nextExpiry == .seconds(10))
        clock.advance(.seconds(3))  // t = 11: a expired
        #expect(cache.value(for: "a") == nil)
        #expect(cache.count == 3)  // still held until handed back
        let swept = cache.removeExpired()
        #expect(swept == [Cache.Evicted(key: "a", value: 1, reason: .expired)])
        #expect(cache.nextExpiry == .seconds(14))
        #expect(cache.value(for: "b") == 2)  // t = 11: b's TTL restarts
        clock.advance(.seconds(8))  // t = 19: c (8 + 10 = 18) expired, b (11 + 10) not
        #expect(cache.removeExpired() == [Cache.Evicted(key: "c", value: 3, reason: .expired)])
        #expect(cache.keysByRecency == ["b"])
    }

    @Test func sweepWithInsertionExpiryScansEverything() {
        let clock = ManualClock()
        var cache = Cache(capacity: 10, ttl: .seconds(10), expiry: .afterInsertion, now: clock.reading)
        cache.insert(1, for: "a")
        clock.advance(.seconds(5))
        cache.insert(2, for: "b")
        _ = cache.value(for: "a")  // a is most recent, but was inserted first
        #expect(cache.keysByRecency == ["b", "a"])
        #expect(cache.nextExpiry == .seconds(10))
        clock.advance(.seconds(5))
        #expect(cache.removeExpired().map(\.key) == ["a"])
        #expect(cache.nextExpiry == .seconds(15))
    }

    @Test func expiredEntryIsReportedAsExpiredWhenItLeaves() {
        let clock = ManualClock()
        var cache = Cache(capacity: 1, ttl: .seconds(1), expiry: .afterInsertion, now: clock.reading)
        cache.insert(1, for: "a")
        clock.advance(.seconds(2))
        #expect(cache.insert(2, for: "b") == [Cache.Evicted(key: "a", value: 1, reason: .expired)])
        clock.advance(.seconds(2))
        #expect(cache.insert(3, for: "b") == [Cache.Evicted(key: "b", value: 2, reason: .expired)])
    }

    @Test func removalsReturnValues() {
        var cache = Cache(capacity: 3, ttl: .seconds(1), expiry: .afterInsertion, now: ManualClock().reading)
        cache.insert(1, for: "a")
        cache.insert(2, for: "b")
        cache.insert(3, for: "c")
        #expect(cache.removeValue(for: "b") == 2)
        #expect(cache.removeValue(for: "b") == nil)
        #expect(cache.keysByRecency == ["a", "c"])
        cache.insert(4, for: "d")  // reuses b's slot
        #expect(cache.keysByRecency == ["a", "c", "d"])
        #expect(cache.removeAll().map(\.key) == ["a", "c", "d"])
        #expect(cache.isEmpty)
        #expect(cache.nextExpiry == nil)
        cache.insert(5, for: "e")
        #expect(cache.keysByRecency == ["e"])
    }

    @Test func manyOperationsKeepTheListConsistent() {
        // A model check: the cache against a plain array of keys in recency order.
        let clock = ManualClock()
        var cache = LRUTTLCache<Int, Int>(
            capacity: 8, ttl: .seconds(1000), expiry: .afterLastAccess, now: clock.reading)
        var model: [Int] = []
        var seed: UInt64 = 42
        for step in 0..<5000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let key = Int(seed >> 33) % 20
            switch (seed >> 20) % 3 {
            case 0:
                cache.insert(step, for: key)
                model.removeAll { $0 == key }
                model.append(key)
                if model.count > 8 { model.removeFirst() }
            case 1:
                if cache.value(for: key) != nil {
                    model.removeAll { $0 == key }
                    model.append(key)
                } else {
                    #expect(!model.contains(key))
                }
            default:
                _ = cache.removeValue(for: key)
                model.removeAll { $0 == key }
            }
            #expect(cache.keysByRecency == model)
            #expect(cache.count == model.count)
        }
    }
}
