import CCurl
import Synchronization

/// Receives what one transfer produces, on the engine thread.
protocol TransferSink: AnyObject, Sendable {
    /// Bytes of the response body; `status` is the HTTP status of the response they belong to.
    /// Returning false aborts the transfer.
    func received(_ bytes: UnsafeRawBufferPointer, status: Int) -> Bool
    /// The end: the final status (0 when no response arrived) or the failure. Called at most once.
    func finished(status: Int, failure: DockerError?)
}

/// One HTTP exchange with the daemon: owns a libcurl easy handle and its header list.
///
/// Built on the caller's thread, then handed to `CurlEngine`, which alone touches the handle until the
/// transfer completes or is removed; hence `@unchecked Sendable`. The handle is freed in `deinit`, after the
/// engine has let go of it.
final class CurlTransfer: @unchecked Sendable {
    let easy: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let sink: any TransferSink
    private let state = Mutex(State.pending)

    private enum State { case pending, cancelled, done }

    /// Prepares `method path` against `host`, with an optional JSON (or other) body.
    init(
        host: DockerHost, method: String, pathAndQuery: String, body: [UInt8]?, contentType: String?,
        timeout: Duration?, sink: any TransferSink
    ) throws(DockerError) {
        guard let easy = curl_easy_init() else { throw DockerError(.invalidRequest, message: "curl_easy_init failed") }
        self.easy = easy
        self.sink = sink
        var ok = CCurl_setopt_string(easy, CURLOPT_URL, host.baseURL + pathAndQuery) == CURLE_OK
        if let socket = host.unixSocketPath {
            ok = ok && CCurl_setopt_string(easy, CURLOPT_UNIX_SOCKET_PATH, socket) == CURLE_OK
        }
        // Signals are not safe in a multi-threaded process; libcurl then never uses alarm().
        ok = ok && CCurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1) == CURLE_OK
        ok = ok && CCurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, 5000) == CURLE_OK
        if let timeout {
            let ms = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
            ok = ok && CCurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(max(1, ms))) == CURLE_OK
        }
        switch method {
        case "GET": break
        case "HEAD": ok = ok && CCurl_setopt_long(easy, CURLOPT_NOBODY, 1) == CURLE_OK
        default:
            if method == "POST" || body != nil {
                ok = ok && CCurl_setopt_long(easy, CURLOPT_POST, 1) == CURLE_OK
                let bytes = body ?? []
                ok = ok && CCurl_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)) == CURLE_OK
                if !bytes.isEmpty {
                    // COPYPOSTFIELDS copies the bytes, so the array need not outlive this call.
                    ok =
                        ok
                        && bytes.withUnsafeBytes { raw in
                            CCurl_setopt_pointer(
                                easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress))
                        } == CURLE_OK
                }
            }
            if method != "POST" {
                ok = ok && CCurl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method) == CURLE_OK
            }
        }
        // No `Expect: 100-continue` round trip: the daemon reads bodies at once.
        headerList = curl_slist_append(headerList, "Expect:")
        if let contentType {
            headerList = curl_slist_append(headerList, "Content-Type: \(contentType)")
        }
        ok = ok && CCurl_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList) == CURLE_OK
        ok =
            ok
            && CCurl_setopt_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                guard let context else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
                return transfer.sink.received(bytes, status: transfer.responseStatus) ? size * count : 0
            } == CURLE_OK
        // Unretained: the engine keeps the transfer alive for as long as libcurl may call back.
        ok = ok && CCurl_setopt_pointer(easy, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque()) == CURLE_OK
        guard ok else {
            throw DockerError(.invalidRequest, message: "cannot configure libcurl for \(method) \(pathAndQuery)")
        }
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
    }

    var isCancelled: Bool { state.withLock { $0 == .cancelled } }

    /// The status line's code, valid once headers have arrived (0 before).
    private var responseStatus: Int {
        var code = 0
        _ = CCurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// Hands the transfer to the engine.
    func start(on engine: CurlEngine = .shared) {
        engine.submit(self)
    }

    /// Abandons the transfer: the sink hears `.cancelled` now (unless it already finished) and the engine
    /// drops the handle.
    func cancel(on engine: CurlEngine = .shared) {
        let first = state.withLock { state in
            guard state == .pending else { return false }
            state = .cancelled
            return true
        }
        guard first else { return }
        sink.finished(status: 0, failure: DockerError(.cancelled, message: "cancelled"))
        engine.remove(self)
    }

    /// Engine thread: libcurl says the transfer is over.
    func complete(curlCode: CURLcode) {
        if curlCode == CURLE_OK {
            finish(status: responseStatus, failure: nil)
            return
        }
        let text = String(cString: curl_easy_strerror(curlCode))
        let failure: DockerError =
            switch curlCode {
            case CURLE_OPERATION_TIMEDOUT: DockerError(.timedOut, message: text)
            case CURLE_WRITE_ERROR: DockerError(.cancelled, message: "stopped by the receiver")
            default: DockerError(.daemonUnreachable, message: text)
            }
        finish(status: responseStatus, failure: failure)
    }

    /// Engine thread: the transfer could not even start.
    func complete(failure: DockerError) {
        finish(status: 0, failure: failure)
    }

    private func finish(status: Int, failure: DockerError?) {
        let first = state.withLock { state in
            guard state == .pending else { return false }
            state = .done
            return true
        }
        if first { sink.finished(status: status, failure: failure) }
    }
}
