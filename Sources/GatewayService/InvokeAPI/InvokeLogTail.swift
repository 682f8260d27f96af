import BoxCore
import BoxCrypto
import HTTP1

/// The synchronous Invoke API's debugging headers (docs/gateway.md, Invoke API): `X-Amz-Client-Context` (base64
/// JSON, at most 3583 bytes as AWS allows) goes to the RIE, which hands it to the function as
/// `context.client_context`; `X-Amz-Log-Type: Tail` returns `X-Amz-Log-Result`, the base64 of the last 4 KB of
/// the invocation's log (START through REPORT, as the Manager followed it from the worker).
extension InvokeAPIHandler {
    /// AWS's limit on `ClientContext`.
    static let maxClientContextBytes = 3583
    /// How much of the log `X-Amz-Log-Result` carries.
    static let logTailBytes = 4096

    /// The request's client context, checked; nil when there is none.
    static func clientContext(_ headers: HTTPHeaders) throws(GatewayError) -> String? {
        guard let given = headers["X-Amz-Client-Context"], !given.isEmpty else { return nil }
        guard given.utf8.count <= maxClientContextBytes, let decoded = Base64.decode(given),
            (try? JSONValue(parsing: decoded))?.objectValue != nil
        else {
            throw .aws(.invalidRequestContent, message: "Client context must be a valid Base64-encoded JSON object.")
        }
        return given
    }

    /// `X-Amz-Log-Result` for a `Tail` request: the last 4 KB of the log, base64; nil when the log is unavailable.
    func logResult(for request: HTTPRequest, outcome: InvocationOutcome, requestID: String) async -> String? {
        guard request.headers["X-Amz-Log-Type"] == "Tail" else { return nil }
        guard let output = await invoker.invocationLog(workerID: outcome.workerID, requestID: requestID) else {
            log.log(
                .warning, "X-Amz-Log-Type: Tail: the Manager did not return the invocation's log", requestID: requestID)
            return nil
        }
        return Base64.encode(Array(output.suffix(Self.logTailBytes)))
    }
}
