import BoxCore
import Telemetry
import HTTP1
import Posix

/// AWS Signature Version 4 check of an Invoke API request (docs/contract.md §3.6) with BoxCore's `SigV4Verifier`: service
/// `lambda`, any region (returned, for ARNs in error messages), the box's one key pair (`INVOKE_ACCESS_KEY_ID` /
/// `INVOKE_SECRET_ACCESS_KEY`), at most 15 minutes of clock skew. Failures become the AWS error shapes.
struct InvokeSignatureCheck {
    let verifier: SigV4Verifier
    let now: () -> Int64

    init(environment: GatewayEnvironment, now: @escaping () -> Int64 = { WallClock.epochMilliseconds() / 1000 }) {
        var credentials: [String: String] = [:]
        if let key = environment.invokeAccessKeyID, let secret = environment.invokeSecretAccessKey {
            credentials[key] = secret
        }
        verifier = SigV4Verifier(credentials: credentials, service: "lambda")
        self.now = now
    }

    /// Verifies the request's `Authorization` header; returns the region it was signed for.
    func verify(_ request: HTTPRequest) throws(GatewayError) -> String {
        let signed = SigV4Request(
            method: request.method, path: String(request.path), query: request.query.map(String.init),
            headers: request.headers.fields.map { (name: $0.name, value: $0.value) }, body: request.body)
        do {
            return try verifier.verify(signed, now: now()).region
        } catch {
            throw Self.error(for: error)
        }
    }

    /// The AWS-shaped error (403 with `x-amzn-ErrorType`) for a verification failure.
    static func error(for failure: SigV4Error) -> GatewayError {
        let type: GatewayError.AWSErrorType =
            failure.errorType == GatewayError.AWSErrorType.unrecognizedClient.rawValue
            ? .unrecognizedClient : .invalidSignature
        return .aws(type, message: failure.message)
    }
}
