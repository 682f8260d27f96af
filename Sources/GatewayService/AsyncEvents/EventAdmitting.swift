/// What the Invoke API needs to accept an `Event` invocation: a durable admission (docs/async-invocations.md).
/// `EventDispatcher` conforms; dispatcher tests may use stand-ins.
public protocol EventAdmitting: Sendable {
    /// Returns once the event is durably queued (the caller then answers 202).
    func submit(function: String, payload: [UInt8], requestID: String, traceID: String)
        async throws(EventAdmissionError)
}

/// Why an event was not accepted.
public enum EventAdmissionError: Error, Equatable, Sendable {
    /// `EVENT_SPOOL_MAX_BYTES` reached, or the disk is full: 429 `TooManyRequestsException`.
    case full
    /// The spool could not be written: 503.
    case io(String)
    /// The gateway is shutting down: 503.
    case closed
}

extension EventDispatcher: EventAdmitting {}
