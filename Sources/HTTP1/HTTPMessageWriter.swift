/// Serializes responses (server) and requests (client) into wire bytes.
///
/// The writer owns framing: `Content-Length`, `Transfer-Encoding`, `Connection` and `Keep-Alive` fields
/// the caller put in the headers are replaced by correct ones. Fields whose name is not a token or whose
/// value holds a control character (CR, LF, NUL...) are dropped rather than written: handler headers can
/// come from a Lambda function, and a CRLF in a value would split the response.
public enum HTTPMessageWriter {
    /// `HTTP/1.1 100 Continue` and the empty line.
    public static let continue100: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Appends a response head and (unless `omitBody`, for HEAD requests) its body to `out`.
    /// - Parameters:
    ///   - minorVersion: the request's HTTP minor version (the status line always says HTTP/1.1).
    ///   - keepAlive: whether the connection stays open; adds `Connection: close` (or `keep-alive` for 1.0).
    ///   - date: a preformatted `Date` value (see `HTTPDate`), or nil to send none.
    public static func writeResponse(
        _ response: HTTPResponse, into out: inout [UInt8], minorVersion: Int = 1, keepAlive: Bool,
        omitBody: Bool = false, date: String? = nil
    ) {
        out.reserveCapacity(out.count + 128 + response.headers.count * 40 + (omitBody ? 0 : response.body.count))
        out.append(contentsOf: statusLine(response.status))
        if let date {
            out.append(contentsOf: dateName)
            out.append(contentsOf: date.utf8)
            out.append(contentsOf: crlf)
        }
        appendFields(response.headers, to: &out)
        let status = response.status
        if status >= 200, status != 204, status != 304 {
            out.append(contentsOf: contentLengthName)
            ByteText.appendDecimal(response.body.count, to: &out)
            out.append(contentsOf: crlf)
        }
        if !keepAlive {
            out.append(contentsOf: connectionClose)
        } else if minorVersion == 0 {
            out.append(contentsOf: connectionKeepAlive)
        }
        out.append(contentsOf: crlf)
        if !omitBody, status >= 200, status != 204, status != 304 { out.append(contentsOf: response.body) }
    }

    /// Appends a request (HTTP/1.1) with `Host` and `Content-Length` set by the writer.
    /// `Host` from the request headers wins over `host` when present.
    public static func writeRequest(_ request: HTTPRequest, host: String, into out: inout [UInt8]) {
        // Room for the whole message: a buffer that grows copies the body again (docs/performance.md).
        var headerBytes = 64 + host.utf8.count
        for field in request.headers { headerBytes += field.name.utf8.count + field.value.utf8.count + 4 }
        out.reserveCapacity(out.count + 64 + headerBytes + request.target.utf8.count + request.body.count)
        out.append(contentsOf: request.method.utf8)
        out.append(ASCII.space)
        out.append(contentsOf: request.target.utf8)
        out.append(contentsOf: requestLineEnd)
        if !request.headers.contains(name: "Host") {
            out.append(contentsOf: hostName)
            out.append(contentsOf: host.utf8)
            out.append(contentsOf: crlf)
        }
        appendFields(request.headers, to: &out)
        if !request.body.isEmpty || request.method == "POST" || request.method == "PUT" || request.method == "PATCH" {
            out.append(contentsOf: contentLengthName)
            ByteText.appendDecimal(request.body.count, to: &out)
            out.append(contentsOf: crlf)
        }
        out.append(contentsOf: crlf)
        out.append(contentsOf: request.body)
    }

    static let crlf: [UInt8] = [ASCII.cr, ASCII.lf]
    // Fixed pieces as byte arrays: appending one is a copy, appending a literal's `utf8` a generic loop.
    static let dateName: [UInt8] = Array("Date: ".utf8)
    static let contentLengthName: [UInt8] = Array("Content-Length: ".utf8)
    static let connectionClose: [UInt8] = Array("Connection: close\r\n".utf8)
    static let connectionKeepAlive: [UInt8] = Array("Connection: keep-alive\r\n".utf8)
    static let requestLineEnd: [UInt8] = Array(" HTTP/1.1\r\n".utf8)
    static let hostName: [UInt8] = Array("Host: ".utf8)

    /// Writes each writable field (a token name that is not a framing field, and a clean value) and drops the
    /// others. Checking and copying are one pass over the bytes, straight into `out`'s spare capacity: this
    /// runs for every request to a worker and every response (docs/performance.md).
    static func appendFields(_ headers: HTTPHeaders, to out: inout [UInt8]) {
        let token = ASCII.tokenTable
        for field in headers {
            let name = field.name.utf8.span, value = field.value.utf8.span
            guard !name.isEmpty, !isFraming(field.name, count: name.count) else { continue }
            let start = out.count
            var clean = true
            out.append(addingCapacity: name.count + value.count + 4) { o in
                for i in 0..<name.count {
                    let b = name[i]
                    guard token[Int(b)] else { clean = false; return }
                    o.append(b)
                }
                o.append(ASCII.colon)
                o.append(ASCII.space)
                for i in 0..<value.count {
                    let b = value[i]
                    guard ASCII.isFieldValue(b) else { clean = false; return }
                    o.append(b)
                }
                o.append(ASCII.cr)
                o.append(ASCII.lf)
            }
            if !clean { out.removeLast(out.count - start) }
        }
    }

    /// The fields the writer sets itself.
    static func isFraming(_ name: String, count: Int) -> Bool {
        switch count {
        case 10: HTTPHeaders.namesEqual(name, "Connection") || HTTPHeaders.namesEqual(name, "Keep-Alive")
        case 14: HTTPHeaders.namesEqual(name, "Content-Length")
        case 17: HTTPHeaders.namesEqual(name, "Transfer-Encoding")
        default: false
        }
    }

    /// Status lines for 100...599, built once (an array index, no hashing, on the hot path).
    static let statusLines: [[UInt8]] = (100...599).map {
        Array("HTTP/1.1 \($0) \(HTTPStatus.reasonPhrase($0))\r\n".utf8)
    }

    static func statusLine(_ status: Int) -> [UInt8] {
        if status >= 100, status <= 599 { return statusLines[status - 100] }
        let code = (600...999).contains(status) ? status : 500
        return Array("HTTP/1.1 \(code) \(HTTPStatus.reasonPhrase(code))\r\n".utf8)
    }
}
