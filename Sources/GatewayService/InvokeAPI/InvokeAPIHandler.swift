import BoxCore
import BoxCrypto
import HTTP1

/// `POST /2015-03-31/functions/{name}/invocations` (docs/contract.md §3.6): the AWS Lambda Invoke API as boto3 and the
/// other AWS SDKs call it. Errors use the AWS shapes (`x-amzn-ErrorType`, `{"Type":"User","message":...}`) so the
/// SDKs raise the right exception.
///
/// Order: credentials (SigV4 with the box's key pair, or a Bearer JWT) → payload size → function name and
/// qualifier → function exists → payload is JSON → invocation type (`RequestResponse`, `Event`, `DryRun`).
public struct InvokeAPIHandler: Sendable {
    let settings: GatewaySettings
    let config: GatewayConfigStore
    let invoker: any FunctionInvoking
    let tokens: TokenAuthority
    let log: GatewayLog
    let metrics: GatewayMetrics
    let events: any EventAdmitting

    /// Answers one Invoke API request; never throws: every failure has its AWS shape.
    nonisolated(nonsending) func handle(_ request: HTTPRequest, trace: inout RequestTrace) async -> HTTPResponse {
        var r: HTTPResponse
        do {
            r = try await invoke(request, trace: &trace)
        } catch {
            r = error.response
        }
        Self.nameRequest(&r, trace.invocationID ?? trace.identity.requestID)
        return r
    }

    /// As AWS, every Invoke API answer (result, error, 202, 204, a refusal from the head) names its request: the
    /// SDKs' ResponseMetadata.RequestId, also the function's aws_request_id (docs/gateway.md).
    static func nameRequest(_ response: inout HTTPResponse, _ requestID: String) {
        response.headers.replaceOrAdd(name: "x-amzn-RequestId", value: requestID)
    }

    nonisolated(nonsending) func invoke(_ request: HTTPRequest, trace: inout RequestTrace) async throws(GatewayError)
        -> HTTPResponse
    {
        let env = settings.environment
        let region = try authenticate(request)
        guard request.body.count <= env.maxBodyBytes else { throw Self.tooLarge(limit: env.maxBodyBytes) }
        let regionForARN = region ?? env.defaultRegion
        guard let target = InvokeTarget.parse(path: request.path, query: request.query) else {
            let raw = String(
                request.path.dropFirst(InvokeTarget.pathPrefix.count).dropLast(InvokeTarget.pathSuffix.count))
            let name = StrictPercentDecoding.decode(raw) ?? raw
            // A name AWS's pattern refuses is a validation error there; a path with more segments is no operation.
            if !raw.contains("/"), let violation = InvokeTarget.constraintViolation(functionName: name) {
                throw .aws(.validation, message: "1 validation error detected: " + violation)
            }
            if InvokeTarget.hasConflictingQualifiers(identifier: name, query: request.query) {
                throw .aws(
                    .invalidParameterValue,
                    message: "The derived qualifier from the function name does not match the specified qualifier.")
            }
            throw .aws(
                .resourceNotFound,
                message: "Function not found: arn:aws:lambda:\(regionForARN):\(InvokeTarget.accountID):function:\(name)"
            )
        }
        let notFound = GatewayError.aws(
            .resourceNotFound, message: "Function not found: \(target.arn(defaultRegion: regionForARN))")
        let snapshot = config.current
        guard target.isServableVersion, let function = snapshot.functions[target.name] else { throw notFound }
        trace.function = function.name
        let payload = try Self.payload(request.body)
        let type = request.headers["X-Amz-Invocation-Type"] ?? "RequestResponse"
        trace.invocationType = type
        let spec = snapshot.poolSpecs[function.name] ?? function.poolSpec
        if let logType = request.headers["X-Amz-Log-Type"], logType != "Tail", logType != "None" {
            throw .aws(
                .validation,
                message:
                    "1 validation error detected: Value '\(logType)' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [Tail, None]"
            )
        }
        switch type {
        case "DryRun":
            metrics.recordInvokeAPI(function: function.name, type: type, outcome: "dry_run")
            return Self.response(status: 204)
        case "Event":
            // Lambda takes at most 1 MiB for an asynchronous invocation (6 MiB for a synchronous one).
            guard request.body.count <= Self.maxEventPayloadBytes else {
                metrics.recordInvokeAPI(function: function.name, type: type, outcome: "too_large")
                throw Self.tooLarge(limit: Self.maxEventPayloadBytes)
            }
            // 202 only once the event is fsynced in the spool; a full spool refuses it now, never drops it later
            // (docs/async-invocations.md).
            // The event's own id, as Lambda makes one for every asynchronous invocation: a client's `X-Request-Id`
            // names the request, and two events sent with the same one are still two events (they shared a spool
            // entry and the second was lost, docs/async-invocations.md "Event ids").
            let eventID = UUIDv4.string()
            trace.invocationID = eventID
            do {
                try await events.submit(
                    function: function.name, payload: payload, requestID: eventID, traceID: trace.identity.traceID)
            } catch {
                metrics.recordInvokeAPI(function: function.name, type: type, outcome: "not_queued")
                trace.detail = "Event not queued: \(error)"
                switch error {
                case .full: throw .aws(.tooManyRequests, message: "Rate Exceeded.")
                case .io, .closed: throw .aws(.service, message: "Service Unavailable", status: 503)
                }
            }
            // `x-amzn-RequestId` (added by `handle`) is the event id: the function's aws_request_id and the dead
            // record's requestId.
            var r = Self.response(status: 202)
            r.headers.add(name: "Content-Type", value: "application/json")
            return r
        case "RequestResponse":
            break
        default:
            throw .aws(
                .validation,
                message:
                    "1 validation error detected: Value '\(type)' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]"
            )
        }
        let clientContext = try Self.clientContext(request.headers)
        let outcome: InvocationOutcome
        do {
            outcome = try await invoker.invoke(
                spec, payload: payload, requestID: trace.identity.requestID, traceID: trace.identity.traceID,
                clientContext: clientContext)
        } catch {
            metrics.recordInvokeAPI(function: function.name, type: type, outcome: InvocationOutcomeKind(error).label)
            if error == .functionTimedOut {
                // AWS answers a timed-out synchronous invoke as a function error, not as an HTTP error.
                var r = Self.response(status: 200)
                r.headers.add(name: "X-Amz-Function-Error", value: "Unhandled")
                r.headers.add(name: "Content-Type", value: "application/json")
                let msg = "Task timed out after \(FunctionTimeout.text(spec.timeout)) seconds"
                r.body = Array("{\"errorType\":\"Sandbox.Timedout\",\"errorMessage\":\(JSONText.quote(msg))}".utf8)
                return r
            }
            trace.detail = "invoke \(function.name): \(error)"
            throw Self.awsError(for: error, arn: target.arn(defaultRegion: regionForARN))
        }
        log.invocationDebug(
            function: function.name, outcome: outcome, requestID: trace.identity.requestID,
            traceID: trace.identity.traceID, path: String(request.path))
        trace.worker = outcome.workerID
        trace.coldStart = outcome.coldStart
        trace.queueWait = outcome.queueWait
        metrics.recordInvocation(
            function: function.name, queueWait: outcome.queueWait, functionTime: outcome.functionTime,
            coldStart: outcome.coldStart)
        let failed = FunctionErrorDetector.isFunctionError(outcome)
        metrics.recordInvokeAPI(function: function.name, type: type, outcome: failed ? "function_error" : "success")
        var r = Self.response(status: outcome.status == 200 || failed ? 200 : outcome.status)
        r.headers.add(name: "Content-Type", value: "application/json")
        if failed { r.headers.add(name: "X-Amz-Function-Error", value: "Unhandled") }
        if let tail = await logResult(for: request, outcome: outcome, requestID: trace.identity.requestID) {
            r.headers.add(name: "X-Amz-Log-Result", value: tail)
        }
        r.body = outcome.body
        return r
    }

    /// Checks the credentials; returns the region a SigV4 request was signed for (nil for a Bearer token).
    func authenticate(_ request: HTTPRequest) throws(GatewayError) -> String? {
        let authorization = request.headers["Authorization"]
        if SigV4Verifier.isSigV4(authorization: authorization) {
            return try InvokeSignatureCheck(environment: settings.environment).verify(request)
        }
        guard let token = BearerToken.parse(authorization: authorization), (try? tokens.verify(token)) != nil else {
            throw .aws(.unrecognizedClient, message: "The security token included in the request is invalid.")
        }
        return nil
    }

    /// The payload the function receives: AWS refuses one that is not JSON before running anything (the runtime would
    /// only fail with `Runtime.UnmarshalError`), and runs an omitted payload (botocore sends no body) with `{}`.
    static func payload(_ body: [UInt8]) throws(GatewayError) -> [UInt8] {
        if body.isEmpty { return Array("{}".utf8) }
        do {
            _ = try JSONValue(parsing: body)
        } catch {
            throw .aws(
                .invalidRequestContent,
                message: "Could not parse request body into json: Could not parse payload into json: \(error)")
        }
        return body
    }

    /// Lambda's payload limit for `Event` invocations (docs/async-invocations.md).
    static let maxEventPayloadBytes = 1_048_576

    /// Lambda's 413 for a payload over `limit` bytes (its `x-amzn-ErrorType` and message, which SDKs show).
    static func tooLarge(limit: Int) -> GatewayError {
        .aws(.requestTooLarge, message: "Request must be smaller than \(limit) bytes for the InvokeFunction operation")
    }

    /// An empty response with `X-Amz-Executed-Version` (present on every successful Invoke answer).
    static func response(status: Int) -> HTTPResponse {
        var r = HTTPResponse(status: status)
        r.headers.add(name: "X-Amz-Executed-Version", value: "$LATEST")
        return r
    }

    /// The AWS error for an invocation that produced no payload.
    static func awsError(for failure: InvocationFailure, arn: String) -> GatewayError {
        switch failure {
        case .throttled: .aws(.tooManyRequests, message: "Rate Exceeded.")
        case .unknownFunction: .aws(.resourceNotFound, message: "Function not found: \(arn)")
        case .managerUnavailable: .aws(.service, message: "Service Unavailable", status: 503)
        case .workerFailed, .imageMissing, .functionTimedOut:
            .aws(.service, message: "Internal server error", status: 502)
        }
    }
}

/// A short label of how an invocation ended, for logs and metrics.
struct InvocationOutcomeKind {
    let label: String
    init(_ failure: InvocationFailure) {
        label =
            switch failure {
            case .throttled: "throttled"
            case .functionTimedOut: "timeout"
            case .workerFailed: "worker_failed"
            case .managerUnavailable: "manager_unavailable"
            case .imageMissing: "image_missing"
            case .unknownFunction: "unknown_function"
            }
    }
}

/// `30`, `2.5`: a function timeout as AWS prints it in `Task timed out after N seconds` (two decimals).
enum FunctionTimeout {
    static func text(_ d: Duration) -> String {
        let centis = Int64(d.frontSeconds * 100 + 0.5)
        let frac = centis % 100
        return "\(centis / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}
