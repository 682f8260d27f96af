/// Coalesces concurrent work per key (docs/contract.md §3.7: "concurrent misses share the calls in flight"): the first
/// caller for a key runs the operation; callers that arrive while it runs wait for it and receive the same value
/// or the same error; once it finishes, the next call for that key starts afresh. Results are not cached.
///
/// Not `Sendable`: it lives inside one actor (or on one event loop) and runs in its caller's isolation
/// (`#isolation`), so no lock and no hop. A waiter that is cancelled keeps waiting for the shared result (the
/// work belongs to the first caller); the operation sees cancellation only through the first caller's task.
///
/// ```swift
/// actor Pools {
///     let starts = SingleFlight<String, [Worker]>()
///     func workers(for fn: String) async throws -> [Worker] {
///         try await starts.run(fn) { try await manager.acquire(fn) }
///     }
/// }
/// ```
public final class SingleFlight<Key: Hashable, Value: Sendable> {
    private var waiting: [Key: [CheckedContinuation<Value, any Error>]] = [:]

    /// An empty set of flights.
    public init() {}

    /// True while an operation for `key` runs.
    public func isInFlight(_ key: Key) -> Bool { waiting[key] != nil }

    /// Callers waiting for the operation in flight for `key` (the first caller not counted).
    public func waiterCount(for key: Key) -> Int { waiting[key]?.count ?? 0 }

    /// Keys with an operation in flight.
    public var keysInFlight: [Key] { Array(waiting.keys) }

    /// The result of `operation` for `key`, shared with every caller that arrives while it runs.
    public func run(
        _ key: Key, isolation: isolated (any Actor)? = #isolation, _ operation: () async throws -> Value
    ) async throws -> Value {
        if waiting[key] != nil {
            return try await withCheckedThrowingContinuation { continuation in
                waiting[key, default: []].append(continuation)
            }
        }
        waiting[key] = []
        let result: Result<Value, any Error>
        do {
            result = .success(try await operation())
        } catch {
            result = .failure(error)
        }
        // Clear the flight before resuming anyone, so a waiter that calls again starts a new operation.
        let waiters = waiting.removeValue(forKey: key) ?? []
        for waiter in waiters { waiter.resume(with: result) }
        return try result.get()
    }
}
