public import Testing

/// Polls `condition` every 50 ms until it holds; fails the test after `timeout`. For state another process or
/// thread changes a moment after the call that causes it returns (the Docker daemon's view of a container, a
/// manager's table).
public func waitUntil(
    _ what: String, timeout: Duration = .seconds(15), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("timed out waiting for \(what)", sourceLocation: sourceLocation)
    throw CancellationError()
}
