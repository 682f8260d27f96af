public import HTTP1

/// The RIE's Invoke API as measured with the real emulator (aws-lambda-rie shipped in aws-sam-cli 1.170):
/// `POST /2015-03-31/functions/function/invocations`, one invocation at a time. The core's RIE proxying: the
/// gateway's pools send every invocation with it and read every answer with it (docs/gateway-pools.md).
public enum RIEInvocation {
    /// The one path the RIE serves.
    public static let path = "/2015-03-31/functions/function/invocations"

    /// The invocation request. `X-Amzn-RequestId` becomes the function's `context.aws_request_id` (so function logs
    /// carry the gateway's request id); `X-Amzn-Trace-Id` is read by the RIE (this build does not pass it on to the
    /// runtime as `_X_AMZN_TRACE_ID`, but newer ones may).
    /// `clientContext` (the Invoke API's `X-Amz-Client-Context`, base64 JSON) is passed on as is: the RIE decodes it
    /// into the runtime's `Lambda-Runtime-Client-Context`, the function's `context.client_context`.
    public static func request(
        to endpoint: HTTPEndpoint, payload: [UInt8], requestID: String, traceID: String, clientContext: String? = nil
    ) -> HTTPRequest {
        var headers: HTTPHeaders = [
            "Host": endpoint.hostHeader,
            "Content-Type": "application/json",
            "Content-Length": String(payload.count),
        ]
        if !requestID.isEmpty { headers.add(name: "X-Amzn-RequestId", value: requestID) }
        if !traceID.isEmpty { headers.add(name: "X-Amzn-Trace-Id", value: traceID) }
        if let clientContext { headers.add(name: "X-Amz-Client-Context", value: clientContext) }
        return HTTPRequest(method: "POST", target: path, headers: headers, body: payload)
    }

    private static let timeoutPrefix = Array("Task timed out after ".utf8)
    private static let unavailable = Array("Runtime.Unavailable".utf8)

    /// The RIE's refusal in multi-concurrent mode (`rie_concurrency` > 1): `400 {"errorType":"Runtime.Unavailable"}`
    /// when none of its runtime processes is polling at that instant (a new worker whose second process is still
    /// starting, or one that answered and has not yet asked for the next event). No runtime saw the event, so it
    /// may be sent again; the worker stays healthy (measured, docs/gateway.md "rie_concurrency").
    public static func isRuntimeUnavailable(_ response: HTTPResponse) -> Bool {
        response.status == 400 && response.body.count < 256
            && response.body.indices.contains { response.body[$0...].starts(with: unavailable) }
    }

    /// The RIE's own answer when the function outlived `AWS_LAMBDA_FUNCTION_TIMEOUT`: status 200, plain text
    /// `Task timed out after 2.00 seconds`. A function's own result is JSON, so it can never look like this
    /// (a string result comes quoted).
    public static func isRIETimeout(_ response: HTTPResponse) -> Bool {
        response.status == 200 && response.body.count < 96 && response.body.starts(with: timeoutPrefix)
            && response.body.last == UInt8(ascii: "s")
    }
}
