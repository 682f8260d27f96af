import Foundation
import Glibc
import Synchronization

/// A stand-in for the Docker daemon's socket that answers scripted raw HTTP on cue, for faults the real daemon
/// cannot be made to produce (another API version, a 500, garbage JSON, a stream cut mid-way).
final class DockerAPIStandIn: Sendable {
    /// What to send back for a request line (`GET /version HTTP/1.1`): raw bytes, then close or keep open.
    typealias Script = @Sendable (String) -> (bytes: [UInt8], close: Bool)

    let path: String
    private let listener: Int32
    private let log = RequestLog()

    final class RequestLog: Sendable {
        let lines = Mutex<[String]>([])
    }

    init(script: @escaping Script) throws {
        let path = "/tmp/esb-docker-standin-\(UInt32.random(in: 0...UInt32.max)).sock"
        self.path = path
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.utf8.prefix($0.count - 1)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        listener = fd
        let requests = log
        Thread {
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 {
                    // Only this thread closes the listener: closed from stop(), its number could be reused by a
                    // new socket before this accept() runs, and this thread would serve someone else's listener.
                    close(fd)
                    return
                }
                Thread {
                    defer { close(client) }
                    while let line = Self.readRequest(client) {
                        requests.lines.withLock { $0.append(line) }
                        let (bytes, shouldClose) = script(line)
                        _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                        if shouldClose { return }
                    }
                }.start()
            }
        }.start()
    }

    /// Request lines received so far.
    var received: [String] { log.lines.withLock { $0 } }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))  // the accept thread closes it
        unlink(path)
    }

    /// A complete response with a body.
    static func response(_ status: Int, _ body: String, contentType: String = "application/json") -> [UInt8] {
        Array(
            "HTTP/1.1 \(status) X\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
                .utf8)
    }

    /// Reads one request head (and its body, by Content-Length); nil at end of stream.
    private static func readRequest(_ fd: Int32) -> String? {
        var data: [UInt8] = []
        var byte: UInt8 = 0
        while !(data.count >= 4 && data.suffix(4) == [13, 10, 13, 10]) {
            guard recv(fd, &byte, 1, 0) == 1 else { return nil }
            data.append(byte)
        }
        let head = String(decoding: data, as: UTF8.self)
        let length =
            head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        var remaining = length
        while remaining > 0, recv(fd, &byte, 1, 0) == 1 { remaining -= 1 }
        return String(head.split(separator: "\r\n").first ?? "")
    }
}
