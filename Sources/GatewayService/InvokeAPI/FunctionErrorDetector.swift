import BoxCore

/// Tells a function error from a function result in what a worker's RIE sent back (docs/contract.md §3.5, §3.6).
///
/// The RIE reports an unhandled exception as status 200 with the runtime's error object
/// (`{"errorMessage":...,"errorType":...,"stackTrace":[...]}`), sometimes with `X-Amz-Function-Error`; a runtime that
/// died is a non-200 status. An object counts as an error only when it has exactly the error object's keys, so a
/// function that returns its own `errorMessage` field among others is not misread.
enum FunctionErrorDetector {
    static let errorKeys: Set<String> = ["errorMessage", "errorType", "stackTrace", "requestId", "cause", "errorCode"]

    static func isFunctionError(_ outcome: InvocationOutcome) -> Bool {
        if outcome.headers.contains(name: "X-Amz-Function-Error") { return true }
        if outcome.status != 200 { return true }
        return isErrorObject(outcome.body)
    }

    /// True when `body` is a JSON object with `errorMessage` or `errorType` and no key outside the error shape.
    static func isErrorObject(_ body: [UInt8]) -> Bool {
        // Cheap pre-check: most results are not error objects and need no parse here.
        guard body.first == UInt8(ascii: "{"), body.count < 1 << 20 else { return false }
        guard let object = (try? JSONValue(parsing: body))?.objectValue else { return false }
        let keys = Set(object.keys)
        guard keys.contains("errorMessage") || keys.contains("errorType") else { return false }
        return keys.isSubset(of: errorKeys)
    }
}
