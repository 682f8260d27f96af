/// What the front needs of the worker pools: run one invocation (the seam between "front" and "pools",
/// docs/gateway.md). `FunctionInvoker` conforms; dispatcher tests use stand-ins that answer like a worker's RIE.
public protocol FunctionInvoking: Sendable {
    /// Runs `payload` (the event JSON, or the Invoke API payload) on a worker of `spec`'s function.
    nonisolated(nonsending) func invoke(
        _ spec: PoolFunctionSpec, payload: [UInt8], requestID: String, traceID: String
    ) async throws(InvocationFailure) -> InvocationOutcome

    /// Pool sizes per function, for metrics.
    func poolSnapshot() async -> [String: PoolStats]
}

/// The pools' invoker is the production `FunctionInvoking`.
extension FunctionInvoker: FunctionInvoking {}
