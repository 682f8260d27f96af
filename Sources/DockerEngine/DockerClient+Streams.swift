import BoxCore

/// Streaming calls: container logs and daemon events.
extension DockerClient {
    /// `GET /containers/{id}/logs`: the container's output as frames. With `follow` the stream stays open
    /// while the container runs and ends when it stops; `tail` is a line count or `all`; `since` is Unix
    /// seconds. Cancel the consuming task (or drop the stream) to stop following.
    public func logs(
        _ id: String, follow: Bool = true, tail: String = "all", since: Int? = nil
    ) -> AsyncThrowingStream<LogFrame, any Error> {
        var query = [("follow", follow ? "1" : "0"), ("stdout", "1"), ("stderr", "1"), ("tail", tail)]
        if let since { query.append(("since", String(since))) }
        let bytes = stream("GET", "/containers/\(PercentEncoding.encode(id))/logs", query: query)
        return Self.transform(bytes, state: LogStreamDemuxer()) { demuxer, chunk in demuxer.feed(chunk) }
    }

    /// `GET /events`: the daemon's event stream from now on, filtered (e.g. `["type": ["container"],
    /// "label": ["esb.managed=true"]]`). It never ends on its own; it throws `.daemonUnreachable` when the
    /// daemon goes away.
    public func events(filters: [String: [String]] = [:], since: Int? = nil) -> AsyncThrowingStream<
        DockerEvent, any Error
    > {
        var query: [(String, String)] = []
        if let since { query.append(("since", String(since))) }
        if let filters = DockerJSON.filtersQuery(filters) { query.append(("filters", filters)) }
        let bytes = stream("GET", "/events", query: query)
        // One JSON object per line; a cut line (over 256 KiB) is no event this client knows.
        return Self.transform(bytes, state: BoundedLineSplitter()) { splitter, chunk in
            splitter.feed(chunk).compactMap { line in
                line.cut || line.bytes.isEmpty
                    ? nil : try? DockerJSON.decode(DockerEvent.self, from: line.bytes, what: "event")
            }
        }
    }

    /// Maps a byte stream through a stateful parser; cancelling the result cancels the source.
    static func transform<State: Sendable, Output: Sendable>(
        _ source: AsyncThrowingStream<[UInt8], any Error>, state initial: State,
        _ parse: @escaping @Sendable (inout State, [UInt8]) -> [Output]
    ) -> AsyncThrowingStream<Output, any Error> {
        let (output, continuation) = AsyncThrowingStream<Output, any Error>.makeStream()
        let pump = Task {
            var state = initial
            do {
                for try await chunk in source {
                    for item in parse(&state, chunk) { continuation.yield(item) }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in pump.cancel() }
        return output
    }
}
