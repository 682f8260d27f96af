import Posix

/// A minimal blocking HTTP/1.1 POST over plain TCP, for the log shipper's own thread.
///
/// Log shipping must not depend on the event loop it reports on, and VictoriaLogs sits on the box's internal
/// network, so plain HTTP with one request per connection (`Connection: close`) is enough: a batch is sent at
/// most about once a second.
struct PlainHTTPPoster: Sendable {
    let host: String
    let port: Int
    /// Deadline for connect, send and receive, each.
    let timeoutSeconds: Int

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// POSTs `body` to `target` and returns the status code.
    func post(target: String, body: [UInt8], contentType: String) throws(Failure) -> Int {
        let head =
            "POST \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Type: \(contentType)\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        var received: [UInt8] = []
        do throws(PosixError) {
            let connection = try BlockingConnection(host: host, port: port, timeoutSeconds: timeoutSeconds)
            try connection.sendAll(Array(head.utf8) + body)
            // Until the status line is complete; the rest of the answer is not needed.
            while !received.contains(0x0A) && received.count < 8192 {
                let chunk = try connection.receive(maxBytes: 512)
                if chunk.isEmpty { break }
                received += chunk
            }
        } catch {
            throw Failure(description: "\(host):\(port): \(error)")
        }
        guard received.contains(0x0A) else { throw Failure(description: "no answer from \(host):\(port)") }
        let line = String(decoding: received.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw Failure(description: "bad status line from \(host):\(port): \(line.prefix(80))")
        }
        return status
    }
}
