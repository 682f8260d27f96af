import BoxCore

/// Tells a function error from a function result in what a worker's RIE sent back (docs/contract.md §3.5, §3.6).
///
/// The RIE reports an unhandled exception as status 200 with the runtime's error object
/// (`{"errorMessage":...,"errorType":...,"stackTrace":[...]}`), sometimes with `X-Amz-Function-Error`; a runtime that
/// died is a non-200 status. An object counts as an error only when it has exactly the error object's keys
/// (`ProxyResult.errorObjectKeys`, every AWS runtime's, Node.js's `trace` included), so a function that returns its
/// own `errorMessage` field among others is not misread (docs/gateway.md).
enum FunctionErrorDetector {
    static func isFunctionError(_ outcome: InvocationOutcome) -> Bool {
        isFunctionError(outcome, parsed: parseIfObject(outcome.body))
    }

    /// The same for a caller that parsed the body already (`parseIfObject`), so it is parsed once.
    static func isFunctionError(_ outcome: InvocationOutcome, parsed: JSONValue?) -> Bool {
        if outcome.headers.contains(name: "X-Amz-Function-Error") { return true }
        if outcome.status != 200 { return true }
        return ProxyResult.isErrorObject(parsed)
    }

    /// The body's JSON when it starts like an object (most results need no parse to be told from an error).
    static func parseIfObject(_ body: [UInt8]) -> JSONValue? {
        guard body.first == UInt8(ascii: "{"), body.count < 1 << 20 else { return nil }
        return try? JSONValue(parsing: body)
    }
}
