/// Status codes: reason phrases and the box's exact error bodies (docs/contract.md §3.10).
public enum HTTPStatus {
    /// The standard reason phrase (RFC 9110), or "Status" for unknown codes.
    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 101: "Switching Protocols"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 411: "Length Required"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 417: "Expectation Failed"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Status"
        }
    }

    /// The `message` of the box's JSON error body for a status, exactly as docs/contract.md §3.10 words it.
    public static func errorMessage(_ status: Int) -> String {
        switch status {
        case 413: "Request Entity Too Large"
        case 500, 502: "Internal server error"
        case 504: "Endpoint request timed out"
        default: reasonPhrase(status)
        }
    }

    /// `{"message":"..."}` with `Content-Type: application/json` for a status, plus `extraHeaders`.
    public static func errorResponse(_ status: Int, extraHeaders: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        var headers = extraHeaders
        headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        return HTTPResponse(
            status: status, headers: headers, body: Array("{\"message\":\"\(errorMessage(status))\"}".utf8))
    }
}
