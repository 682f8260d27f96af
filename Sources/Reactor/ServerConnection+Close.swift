import HTTP1
import Posix

/// "Answer, then close" without resetting a client that is still sending (docs/contract.md §3.10).
///
/// Closing a TCP socket whose receive queue holds unread bytes, or that receives bytes after the close,
/// makes the kernel send RST. A client still uploading (curl, boto3, anything that writes its body
/// before reading) then fails its next `send` with `ECONNRESET`/`EPIPE`, and may never look at the
/// response that is already in its receive buffer (curl: exit 55, no status). So every path that
/// answers and closes does a lingering close: the response is written in full, close_notify (TLS) and
/// FIN go out, and the server keeps reading and dropping input until the client closes its side (EOF)
/// or a time bound passes. Only then is the descriptor closed.
extension ServerConnection {
    /// Answers a protocol error (`{"message":...}`, `Connection: close`), then closes lingering.
    nonisolated(nonsending) func fail(_ status: Int) async {
        var extra = configuration.decorateProtocolError?(status) ?? HTTPHeaders()
        // 503 here means the in-flight body budget is spent: a client may try again shortly.
        if status == 503 { extra.replaceOrAdd(name: "Retry-After", value: "1") }
        await answerAndClose(
            HTTPStatus.errorResponse(status, extraHeaders: extra), discardingUpload: status == 413 || status == 503)
    }

    /// Writes `response` with `Connection: close`, then closes lingering. With `discardingUpload` the rest of
    /// an over-limit or refused body is on its way: §3.10's "up to 5 s or 2 × the limit", where reaching
    /// 2 × the limit does not cut the client off but starts a short last grace period.
    nonisolated(nonsending) func answerAndClose(
        _ response: HTTPResponse, minorVersion: Int = 1, omitBody: Bool = false, discardingUpload: Bool
    ) async {
        var out: [UInt8] = []
        HTTPMessageWriter.writeResponse(
            response, into: &out, minorVersion: minorVersion, keepAlive: false, omitBody: omitBody,
            date: transport.registration.loop.httpDate())
        transport.registration.setDeadline(after: .seconds(5))
        guard await transport.write(out) == .done else { return }
        if discardingUpload {
            await lingeringClose(
                for: configuration.discardTimeout, byteBudget: 2 * configuration.maxBodyBytes,
                graceAfterBudget: configuration.lingerTimeout)
        } else {
            await lingeringClose(for: configuration.lingerTimeout)
        }
    }

    /// Sends close_notify and FIN, then reads and discards until the peer's EOF, an error, or the
    /// bound: `duration` from now; once `byteBudget` bytes were discarded, at most `graceAfterBudget`
    /// more. The caller closes the descriptor afterwards (there is nothing left to read on EOF, so that
    /// close sends no RST).
    nonisolated(nonsending) func lingeringClose(
        for duration: Duration, byteBudget: Int = .max, graceAfterBudget: Duration = .zero
    ) async {
        let registration = transport.registration
        transport.shutdownOutput()
        registration.setDeadline(after: duration)
        // What is still buffered belongs to the request we refused or to requests we will not answer.
        buffer.consume(buffer.count)
        // 64 KiB of scratch space: few syscalls for a fast uploader, little memory per connection.
        buffer.shrinkIfIdle(to: 64 * 1024)
        _ = buffer.reserve(64 * 1024, limit: 64 * 1024)
        var discarded = 0
        var graceStarted = false
        while true {
            guard case .bytes(let n) = await transport.discardInput(into: &buffer) else { return }
            discarded += n
            if !graceStarted, discarded >= byteBudget {
                graceStarted = true
                let graceEnd = Monotonic.now() &+ Monotonic.nanoseconds(graceAfterBudget)
                if graceEnd < registration.deadline { registration.setDeadline(graceEnd) }
            }
        }
    }
}
