/// What the front needs of the worker pools: run one invocation (the seam between "front" and "pools",
/// docs/gateway.md). `FunctionInvoker` conforms; dispatcher tests use stand-ins that answer like a worker's RIE.
public protocol FunctionInvoking: Sendable {
    /// Runs `payload` (the event JSON, or the Invoke API payload) on a worker of `spec`'s function.
    nonisolated(nonsending) func invoke(
        _ spec: PoolFunctionSpec, payload: [UInt8], requestID: String, traceID: String
    ) async throws(InvocationFailure) -> InvocationOutcome

    /// `invoke` with the Invoke API's `X-Amz-Client-Context` for the RIE (docs/gateway.md, Invoke API).
    nonisolated(nonsending) func invoke(
        _ spec: PoolFunctionSpec, payload: [UInt8], requestID: String, traceID: String, clientContext: String?
    ) async throws(InvocationFailure) -> InvocationOutcome

    /// The output of invocation `requestID` on worker `workerID` (START through REPORT), for `X-Amz-Log-Type: Tail`.
    func invocationLog(workerID: String, requestID: String) async -> [UInt8]?

    /// Runs a queued asynchronous event: like `invoke`, but served after every synchronous request waiting for a
    /// worker of the same function (docs/async-invocations.md).
    nonisolated(nonsending) func invokeInBackground(
        _ spec: PoolFunctionSpec, payload: [UInt8], requestID: String, traceID: String
    ) async throws(InvocationFailure) -> InvocationOutcome

    /// Pool sizes per function, for metrics.
    func poolSnapshot() async -> [String: PoolStats]
}

extension FunctionInvoking {
    /// Stand-ins that know no client context run the invocation without it.
    public nonisolated(nonsending) func invoke(
        _ spec: PoolFunctionSpec, payload: [UInt8], requestID: String, traceID: String, clientContext: String?
    ) async throws(InvocationFailure) -> InvocationOutcome {
        try await invoke(spec, payload: payload, requestID: requestID, traceID: traceID)
    }

    /// Stand-ins have no worker output.
    public func invocationLog(workerID: String, requestID: String) async -> [UInt8]? { nil }
    /// Stand-ins without priorities run events like any request.
    public nonisolated(nonsending) func invokeInBackground(
        _ spec: PoolFunctionSpec, payload: [UInt8], requestID: String, traceID: String
    ) async throws(InvocationFailure) -> InvocationOutcome {
        try await invoke(spec, payload: payload, requestID: requestID, traceID: traceID)
    }
}

/// The pools' invoker is the production `FunctionInvoking`.
extension FunctionInvoker: FunctionInvoking {}
