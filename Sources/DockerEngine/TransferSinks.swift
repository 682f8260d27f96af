import Synchronization

/// A complete answer of the daemon: status and body.
public struct DockerResponse: Sendable, Equatable {
    public let status: Int
    public let body: [UInt8]

    /// A response (for tests and stand-ins).
    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// Collects a whole body and resumes one waiting task with it.
final class BufferedSink: TransferSink, @unchecked Sendable {
    private enum Waiter {
        case none
        case waiting(CheckedContinuation<Result<DockerResponse, DockerError>, Never>)
        case resolved(Result<DockerResponse, DockerError>)
    }

    // Touched by the engine thread only (received), so no lock; `waiter` is shared with the caller.
    private var body: [UInt8] = []
    private let waiter = Mutex(Waiter.none)

    func received(_ bytes: UnsafeRawBufferPointer, status: Int) -> Bool {
        body.append(contentsOf: bytes)
        return true
    }

    func finished(status: Int, failure: DockerError?) {
        let result: Result<DockerResponse, DockerError> =
            if let failure { .failure(failure) } else { .success(DockerResponse(status: status, body: body)) }
        let continuation: CheckedContinuation<Result<DockerResponse, DockerError>, Never>? = waiter.withLock { waiter in
            switch waiter {
            case .waiting(let c):
                waiter = .resolved(result)
                return c
            case .none:
                waiter = .resolved(result)
                return nil
            case .resolved:
                return nil
            }
        }
        continuation?.resume(returning: result)
    }

    /// Suspends until the transfer ends (the transfer must be started inside `start`).
    func wait(start: () -> Void) async -> Result<DockerResponse, DockerError> {
        await withCheckedContinuation { continuation in
            let early: Result<DockerResponse, DockerError>? = waiter.withLock { waiter in
                if case .resolved(let result) = waiter { return result }
                waiter = .waiting(continuation)
                return nil
            }
            if let early {
                continuation.resume(returning: early)
            } else {
                start()
            }
        }
    }
}

/// Forwards body chunks of a successful response into an `AsyncThrowingStream`; an error status becomes a
/// thrown `DockerError` carrying the daemon's message.
final class StreamSink: TransferSink, @unchecked Sendable {
    private let continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
    // Engine thread only: the body of an error answer, kept for its message.
    private var errorBody: [UInt8] = []

    init(continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation) {
        self.continuation = continuation
    }

    func received(_ bytes: UnsafeRawBufferPointer, status: Int) -> Bool {
        if (200..<300).contains(status) {
            continuation.yield(Array(bytes))
        } else if errorBody.count < 64 * 1024 {
            errorBody.append(contentsOf: bytes)
        }
        return true
    }

    func finished(status: Int, failure: DockerError?) {
        if let failure {
            continuation.finish(throwing: failure)
        } else if !(200..<300).contains(status) {
            continuation.finish(throwing: DockerError.fromResponse(status: status, body: errorBody))
        } else {
            continuation.finish()
        }
    }
}
