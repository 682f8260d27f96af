import BoxCore
import Synchronization

/// A Docker Engine API client over libcurl (Unix socket or plain TCP).
///
/// Every call runs on the shared `CurlEngine` thread and suspends the caller on a continuation, so it never
/// blocks an event loop or a Swift concurrency thread. Paths are versioned: the first call asks the daemon
/// for its API version (`GET /version`) and uses the lower of that and `maximumAPIVersion`.
/// Streaming calls (logs, events) deliver through `AsyncThrowingStream`s; dropping or cancelling the
/// consumer ends the transfer.
public final class DockerClient: Sendable {
    public let host: DockerHost
    /// The newest API version this client speaks (1.41 = Docker 20.10, what the models here follow).
    public let maximumAPIVersion: String
    /// Deadline for ordinary calls (not for streams and `wait`).
    public let requestTimeout: Duration
    private let negotiated = Mutex<String?>(nil)

    /// A client for `host`; nothing is sent until the first call.
    public init(
        host: DockerHost = .defaultSocket, maximumAPIVersion: String = "1.41", requestTimeout: Duration = .seconds(60)
    ) {
        self.host = host
        self.maximumAPIVersion = maximumAPIVersion
        self.requestTimeout = requestTimeout
    }

    /// The API version in use, negotiating it with the daemon on first use.
    public func apiVersion() async throws(DockerError) -> String {
        if let known = negotiated.withLock({ $0 }) { return known }
        let version = try await version()
        let chosen = Self.lowerVersion(version.apiVersion, maximumAPIVersion)
        negotiated.withLock { $0 = chosen }
        return chosen
    }

    /// `GET /version` (unversioned, so it works before negotiation).
    public func version() async throws(DockerError) -> DockerVersion {
        let response = try await send("GET", rawPath: "/version")
        return try DockerJSON.decode(DockerVersion.self, from: response.body, what: "version")
    }

    /// `GET /_ping`: succeeds when the daemon answers.
    public func ping(timeout: Duration = .seconds(3)) async throws(DockerError) {
        _ = try await send("GET", rawPath: "/_ping", timeout: timeout)
    }

    /// Any versioned call: `path` starts with `/` and is appended to `/v<version>`; `query` items are
    /// percent-encoded here. Non-2xx answers throw the typed error with the daemon's message.
    public func request(
        _ method: String, _ path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
        contentType: String? = "application/json", timeout: Duration? = nil
    ) async throws(DockerError) -> DockerResponse {
        let version = try await apiVersion()
        let response = try await send(
            method, rawPath: "/v\(version)\(path)\(Self.queryString(query))", body: body, contentType: contentType,
            timeout: timeout ?? requestTimeout)
        guard (200..<300).contains(response.status) || response.status == 304 else {
            throw DockerError.fromResponse(status: response.status, body: response.body)
        }
        return response
    }

    /// A versioned call whose body is consumed as it arrives (logs, events, build output). The stream throws
    /// `DockerError` when the daemon answers an error status or the connection breaks; cancelling the
    /// consuming task (or dropping the stream) ends the transfer.
    public func stream(
        _ method: String, _ path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
        contentType: String? = "application/json"
    ) -> AsyncThrowingStream<[UInt8], any Error> {
        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        let link = StreamLink()
        let task = Task {
            do {
                let version = try await apiVersion()
                let sink = StreamSink(continuation: continuation)
                let transfer = try CurlTransfer(
                    host: host, method: method, pathAndQuery: "/v\(version)\(path)\(Self.queryString(query))",
                    body: body,
                    contentType: body == nil ? nil : contentType, timeout: nil, sink: sink)
                if link.attach(transfer) { transfer.start() }
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in
            task.cancel()
            link.terminate()
        }
        return stream
    }

    /// Sends one unversioned request and waits for the whole answer (any status).
    func send(
        _ method: String, rawPath: String, body: [UInt8]? = nil, contentType: String? = "application/json",
        timeout: Duration? = nil
    ) async throws(DockerError) -> DockerResponse {
        let sink = BufferedSink()
        let transfer = try CurlTransfer(
            host: host, method: method, pathAndQuery: rawPath, body: body, contentType: body == nil ? nil : contentType,
            timeout: timeout ?? requestTimeout, sink: sink)
        let result = await withTaskCancellationHandler {
            await sink.wait { transfer.start() }
        } onCancel: {
            transfer.cancel()
        }
        return try result.get()
    }

    /// `a` or `b`, whichever is the lower dotted version.
    static func lowerVersion(_ a: String, _ b: String) -> String {
        let x = a.split(separator: ".").map { Int($0) ?? 0 }
        let y = b.split(separator: ".").map { Int($0) ?? 0 }
        return x.lexicographicallyPrecedes(y) ? a : b
    }

    static func queryString(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        return "?"
            + items.map { "\(PercentEncoding.encode($0.0))=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
    }
}

/// Connects a stream's termination to its transfer, whichever comes first.
private final class StreamLink: Sendable {
    private let state = Mutex<(transfer: CurlTransfer?, terminated: Bool)>((nil, false))

    /// Records the transfer; false when the consumer already went away (then it must not start).
    func attach(_ transfer: CurlTransfer) -> Bool {
        state.withLock { state in
            guard !state.terminated else { return false }
            state.transfer = transfer
            return true
        }
    }

    /// The consumer went away: cancel the transfer if it runs.
    func terminate() {
        let transfer = state.withLock { state in
            state.terminated = true
            return state.transfer
        }
        transfer?.cancel()
    }
}
