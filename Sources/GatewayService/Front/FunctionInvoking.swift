/// What the front needs of the worker pools: run one invocation (the seam between "front" and "pools",
/// docs/gateway.md). `FunctionInvoker` conforms; dispatcher tests use stand-ins that answer like a worker's RIE.
public protocol FunctionInvoking: Sendable {
    /// Runs `payload` (the event JSON, or the Invoke API payload) on a worker of `spec`'s function.
    nonisolated(nonsending) func invoke(
        _ spec: PoolFunctionSpec, payload: [UInt8], requestID: String, traceID: String
    ) async throws(InvocationFailure) -> InvocationOutcome

    /// Runs a queued asynchronous event: like `invoke`, but served after every synchronous request waiting for a
    /// worker of the same function (docs/async-invocations.md).
    nonisolated(nonsending) func invokeInBackground(
        _ spec: PoolFunctionSpec, payload: [UInt8], requestID: String, traceID: String
    ) async throws(InvocationFailure) -> InvocationOutcome

    /// Pool sizes per function, for metrics.
    func poolSnapshot() async -> [String: PoolStats]
}

extension FunctionInvoking {
    /// Stand-ins without priorities run events like any request.
    public nonisolated(nonsending) func invokeInBackground(
        _ spec: PoolFunctionSpec, payload: [UInt8], requestID: String, traceID: String
    ) async throws(InvocationFailure) -> InvocationOutcome {
        try await invoke(spec, payload: payload, requestID: requestID, traceID: traceID)
    }
}

/// The pools' invoker is the production `FunctionInvoking`.
extension FunctionInvoker: FunctionInvoking {}
