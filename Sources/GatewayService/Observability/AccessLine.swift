import BoxCore
import HTTP1

/// The per-request access line (docs/contract.md §3.8, docs/gateway.md "Access log"): `message` is
/// `METHOD path status`, then `method`, `path`, `status`, `latency_ms`, `client_ip` and, when known, `user_agent`,
/// `function`, `worker`, `cold_start`, `queue_ms`, `invocation_type`, `invocation_id` (an Event invocation's id).
///
/// Written straight into the line's buffer: building a `JSONObject` of these fields first (a String per key, an
/// enum per value) cost about a tenth of the gateway's instructions per request (docs/performance.md).
enum AccessLine {
    static func write(
        to log: GatewayLog, request: HTTPRequest, status: Int, trace: RequestTrace, clientIP: String,
        latency: Duration
    ) {
        let path = String(request.path)
        log.write(
            .info, logger: "gateway.access", requestID: trace.identity.requestID, traceID: trace.identity.traceID,
            message: { w in
                w.beginStringValue()
                w.appendStringContent(request.method)
                w.bytes.append(UInt8(ascii: " "))
                w.appendStringContent(path)
                w.bytes.append(UInt8(ascii: " "))
                w.appendDecimal(status)
                w.endStringValue()
            },
            fields: { w in
                w.key(Key.method); w.string(request.method)
                w.key(Key.path); w.string(path)
                w.key(Key.status); w.int(status)
                w.key(Key.latency); w.hundredths(GatewayLog.Value.hundredthsOfMillis(latency))
                w.key(Key.clientIP); w.string(clientIP)
                if let agent = request.headers["User-Agent"] { w.key(Key.userAgent); w.string(agent) }
                if let function = trace.function { w.key(Key.function); w.string(function) }
                if let worker = trace.worker { w.key(Key.worker); w.string(worker) }
                if let cold = trace.coldStart { w.key(Key.coldStart); w.bool(cold) }
                if let queue = trace.queueWait {
                    w.key(Key.queue); w.hundredths(GatewayLog.Value.hundredthsOfMillis(queue))
                }
                if let type = trace.invocationType { w.key(Key.invocationType); w.string(type) }
                if let id = trace.invocationID { w.key(Key.invocationID); w.string(id) }
            })
    }

    /// The line's field names, made once (JSONKey).
    private enum Key {
        static let method: JSONKey = "method"
        static let path: JSONKey = "path"
        static let status: JSONKey = "status"
        static let latency: JSONKey = "latency_ms"
        static let clientIP: JSONKey = "client_ip"
        static let userAgent: JSONKey = "user_agent"
        static let function: JSONKey = "function"
        static let worker: JSONKey = "worker"
        static let coldStart: JSONKey = "cold_start"
        static let queue: JSONKey = "queue_ms"
        static let invocationType: JSONKey = "invocation_type"
        static let invocationID: JSONKey = "invocation_id"
    }
}
