/// The request-scoped DEBUG line an operator greps for first (docs/gateway.md, "Ids, logs, metrics"): with
/// `LOG_LEVEL=DEBUG`, every synchronous invocation writes which worker ran it, warm or cold, and the times, under
/// the request's `request_id` and `trace_id` (`logger: gateway.invocation`).
extension GatewayLog {
    func invocationDebug(
        function: String, outcome: InvocationOutcome, requestID: String, traceID: String, path: String
    ) {
        guard isEnabled(.debug) else { return }
        let temperature = outcome.coldStart ? "cold" : "warm"
        log(
            .debug, "\(function) invoked \(temperature) on worker \(outcome.workerID.prefix(12))",
            logger: "gateway.invocation",
            requestID: requestID, traceID: traceID,
            fields: [
                ("function", .string(function)), ("worker", .string(outcome.workerID)),
                ("cold_start", .bool(outcome.coldStart)), ("queue_ms", .millis(outcome.queueWait)),
                ("function_ms", .millis(outcome.functionTime)), ("rie_status", .int(outcome.status)),
                ("path", .string(path)),
            ])
    }
}
