/// A bounded key/value cache with least-recently-used eviction and a time to live (docs/contract.md §3.7: the
/// Gateway's host cache, LRU over functions, releasing what sat unused for `CONTAINER_CACHE_TTL`).
///
/// - Capacity: inserting a new key into a full cache evicts the least recently used entry.
/// - TTL, per `Expiry`: `.afterInsertion` counts from the last `insert` (a hit does not extend it, as the
///   reference's cache did); `.afterLastAccess` counts from the last `insert` or hit ("unused for TTL").
/// - Nothing leaves silently: every entry that leaves — evicted for room, replaced, expired, removed — comes back
///   to the caller (`Evicted`), so an owner can release the workers it stands for. An expired entry is invisible
///   to lookups at once but stays counted until `removeExpired()` (call it from a timer at `nextExpiry`), an
///   `insert` of its key, or eviction hands it back.
/// - Time comes from the injected `now` (a monotonic reading); tests drive it by hand.
/// - Not thread-safe: a value type meant to live inside one actor (or on one event loop) and be mutated there.
///
/// Lookups and inserts are O(1) (a dictionary plus an intrusive doubly linked list in arrays); `removeExpired`
/// is O(expired) for `.afterLastAccess` and O(count) for `.afterInsertion`.
public struct LRUTTLCache<Key: Hashable, Value> {
    /// When an entry's time to live starts.
    public enum Expiry: Sendable, Hashable {
        /// From the last insert of the key.
        case afterInsertion
        /// From the last insert or successful lookup of the key.
        case afterLastAccess
    }

    /// Why an entry left the cache.
    public enum Reason: Sendable, Hashable {
        /// Room was needed for a new key (least recently used).
        case capacity
        /// Its time to live passed.
        case expired
        /// An insert of the same key replaced it.
        case replaced
        /// `removeValue(for:)` or `removeAll()`.
        case removed
    }

    /// An entry handed back to the caller.
    public struct Evicted {
        /// The key.
        public var key: Key
        /// The value.
        public var value: Value
        /// Why it left.
        public var reason: Reason

        /// An entry `key`/`value` that left for `reason`.
        public init(key: Key, value: Value, reason: Reason) {
            self.key = key
            self.value = value
            self.reason = reason
        }
    }

    fileprivate struct Slot {
        var key: Key
        var value: Value?
        var stamp: Duration
        var newer: Int?
        var older: Int?
    }

    /// Most entries kept.
    public let capacity: Int
    /// Time to live.
    public let ttl: Duration
    /// When the time to live starts.
    public let expiry: Expiry
    private let now: @Sendable () -> Duration
    private var slots: [Slot] = []
    private var free: [Int] = []
    private var index: [Key: Int] = [:]
    private var newest: Int?
    private var oldest: Int?

    /// A cache of at most `capacity` (≥ 1) entries living `ttl`; `now` is a monotonic clock reading.
    public init(
        capacity: Int, ttl: Duration, expiry: Expiry, now: @escaping @Sendable () -> Duration = { MonotonicClock.now() }
    ) {
        precondition(capacity >= 1, "capacity must be at least 1")
        self.capacity = capacity
        self.ttl = ttl
        self.expiry = expiry
        self.now = now
    }

    /// Entries held, expired ones not yet handed back included.
    public var count: Int { index.count }

    /// True when nothing is held.
    public var isEmpty: Bool { index.isEmpty }

    /// The live value for `key`, marking it most recently used (and, for `.afterLastAccess`, restarting its TTL);
    /// nil when absent or expired.
    public mutating func value(for key: Key) -> Value? {
        guard let i = index[key] else { return nil }
        let t = now()
        guard !isExpired(slots[i], at: t) else { return nil }
        moveToNewest(i)
        if expiry == .afterLastAccess { slots[i].stamp = t }
        return slots[i].value
    }

    /// The live value for `key` without touching recency or TTL.
    public func peek(_ key: Key) -> Value? {
        guard let i = index[key], !isExpired(slots[i], at: now()) else { return nil }
        return slots[i].value
    }

    /// True when `key` has a live value.
    public func contains(_ key: Key) -> Bool { peek(key) != nil }

    /// Stores `value` for `key` as most recently used with a fresh TTL. Returns what left to make room or was
    /// replaced (at most one entry: the old value of `key`, or the least recently used one).
    @discardableResult
    public mutating func insert(_ value: Value, for key: Key) -> [Evicted] {
        let t = now()
        if let i = index[key] {
            let old = slots[i]
            slots[i].value = value
            slots[i].stamp = t
            moveToNewest(i)
            return [Evicted(key: key, value: old.value!, reason: isExpired(old, at: t) ? .expired : .replaced)]
        }
        var out: [Evicted] = []
        if index.count >= capacity, let victim = oldest {
            let reason: Reason = isExpired(slots[victim], at: t) ? .expired : .capacity
            out.append(remove(slot: victim, reason: reason))
        }
        let slot = Slot(key: key, value: value, stamp: t, newer: nil, older: newest)
        let i: Int
        if let reused = free.popLast() {
            slots[reused] = slot
            i = reused
        } else {
            slots.append(slot)
            i = slots.count - 1
        }
        if let n = newest { slots[n].newer = i }
        newest = i
        if oldest == nil { oldest = i }
        index[key] = i
        return out
    }

    /// Removes `key`, returning its value (expired or not).
    @discardableResult
    public mutating func removeValue(for key: Key) -> Value? {
        guard let i = index[key] else { return nil }
        return remove(slot: i, reason: .removed).value
    }

    /// Removes and returns every expired entry (oldest first).
    public mutating func removeExpired() -> [Evicted] {
        let t = now()
        var out: [Evicted] = []
        var cursor = oldest
        while let i = cursor {
            cursor = slots[i].newer
            if isExpired(slots[i], at: t) {
                out.append(remove(slot: i, reason: .expired))
            } else if expiry == .afterLastAccess {
                // Recency order is expiry order here: everything newer is live too.
                break
            }
        }
        return out
    }

    /// Removes and returns everything (least recently used first).
    public mutating func removeAll() -> [Evicted] {
        var out: [Evicted] = []
        while let i = oldest { out.append(remove(slot: i, reason: .removed)) }
        return out
    }

    /// When the next entry expires (a reading of `now`'s clock), or nil when empty: the time for a sweep timer.
    public var nextExpiry: Duration? {
        switch expiry {
        case .afterLastAccess:
            return oldest.map { slots[$0].stamp + ttl }
        case .afterInsertion:
            var cursor = oldest
            var earliest: Duration?
            while let i = cursor {
                let at = slots[i].stamp + ttl
                if earliest == nil || at < earliest! { earliest = at }
                cursor = slots[i].newer
            }
            return earliest
        }
    }

    /// Keys from least to most recently used (expired ones included): for tests and diagnostics.
    public var keysByRecency: [Key] {
        var keys: [Key] = []
        var cursor = oldest
        while let i = cursor {
            keys.append(slots[i].key)
            cursor = slots[i].newer
        }
        return keys
    }

    private func isExpired(_ slot: Slot, at t: Duration) -> Bool { t - slot.stamp >= ttl }

    private mutating func moveToNewest(_ i: Int) {
        guard newest != i else { return }
        unlink(i)
        slots[i].older = newest
        slots[i].newer = nil
        if let n = newest { slots[n].newer = i }
        newest = i
        if oldest == nil { oldest = i }
    }

    private mutating func unlink(_ i: Int) {
        let s = slots[i]
        if let o = s.older { slots[o].newer = s.newer } else { oldest = s.newer }
        if let n = s.newer { slots[n].older = s.older } else { newest = s.older }
    }

    private mutating func remove(slot i: Int, reason: Reason) -> Evicted {
        unlink(i)
        let s = slots[i]
        index[s.key] = nil
        slots[i].value = nil
        free.append(i)
        return Evicted(key: s.key, value: s.value!, reason: reason)
    }
}

extension LRUTTLCache: Sendable where Key: Sendable, Value: Sendable {}
extension LRUTTLCache.Slot: Sendable where Key: Sendable, Value: Sendable {}
extension LRUTTLCache.Evicted: Sendable where Key: Sendable, Value: Sendable {}
extension LRUTTLCache.Evicted: Equatable where Value: Equatable {}
