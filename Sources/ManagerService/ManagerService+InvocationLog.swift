import BoxCore
import HTTP1

extension ManagerService {
    /// `GET /v1/workers/{id}/logs?request_id=R` (docs/manager-api.md): the output of invocation R on the worker, from
    /// the RIE's `START RequestId: R` line through its `REPORT RequestId: R` line, as `text/plain`, one line each.
    /// The RIE writes those lines as the invocation ends, and they reach the Manager through Docker's log stream a
    /// moment after the gateway has the result: the call waits up to 2 s for the `REPORT` line, then answers with
    /// what it has. 404 for a worker whose output is not followed; 400 without `request_id`.
    func invocationLog(worker: String, query: Substring?) async -> HTTPResponse {
        guard let requestID = Self.queryValue("request_id", in: query), !requestID.isEmpty else {
            return ManagerError(.badRequest, "request_id is required").httpResponse
        }
        let tails = workers.logTails
        var found = tails.invocation(worker, requestID: requestID)
        var waited = 0
        while let current = found, !current.complete, waited < 100 {
            try? await Task.sleep(for: .milliseconds(20))
            waited += 1
            found = tails.invocation(worker, requestID: requestID)
        }
        guard let found else { return ManagerError(.unknownWorker, "worker \(worker) is not followed").httpResponse }
        let text = found.lines.map { $0 + "\n" }.joined()
        var response = HTTPResponse(status: 200, contentType: "text/plain; charset=utf-8", text: text)
        response.headers.add(name: "X-ESB-Log-Complete", value: found.complete ? "true" : "false")
        return response
    }

    /// The percent-decoded value of `name` in a query string.
    static func queryValue(_ name: String, in query: Substring?) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts[0] == name { return parts.count > 1 ? percentDecode(parts[1]) : "" }
        }
        return nil
    }
}
