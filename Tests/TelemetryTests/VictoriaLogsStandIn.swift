import Foundation
import Glibc
import Synchronization

/// A stand-in for VictoriaLogs' HTTP insert endpoint (its image cannot be pulled on these machines): a blocking
/// HTTP/1.1 server on 127.0.0.1:0 that records each request's target and body and answers the statuses it is
/// told to, in order (then 204).
final class VictoriaLogsStandIn: Sendable {
    struct Received: Sendable {
        let target: String
        let body: String
    }

    let port: Int
    private let listener: Int32
    private let state = Mutex<(received: [Received], statuses: [Int])>(([], []))

    init(statuses: [Int] = []) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = fd
        state.withLock { $0.statuses = statuses }
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    var received: [Received] { state.withLock { $0.received } }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))  // serve() closes it
    }

    private func serve() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                // Only this thread closes the listener: closed from stop(), its number could be reused by a new
                // socket before this accept() runs, and this thread would serve someone else's listener.
                close(listener)
                return
            }
            handle(client)
            close(client)
        }
    }

    private func handle(_ fd: Int32) {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            if let end = headerEnd, data.count >= end + contentLength { break }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            data += buffer[0..<n]
            if headerEnd == nil, let range = find([13, 10, 13, 10], in: data) {
                headerEnd = range + 4
                let head = String(decoding: data[0..<range], as: UTF8.self)
                for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    contentLength = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
        }
        let head = String(decoding: data[0..<headerEnd!], as: UTF8.self)
        let target = String(head.split(separator: " ")[1])
        let body = String(decoding: data[headerEnd!...], as: UTF8.self)
        let status = state.withLock { state in
            state.received.append(Received(target: target, body: body))
            return state.statuses.isEmpty ? 204 : state.statuses.removeFirst()
        }
        let answer = Array("HTTP/1.1 \(status) X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
        _ = answer.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where Array(haystack[i..<(i + needle.count)]) == needle {
            return i
        }
        return nil
    }
}
