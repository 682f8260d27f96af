import Foundation
import HTTP1
import Posix
@testable import Reactor
import TLS
import Testing

/// docs/contract.md §3.10: a client still uploading when the server answers and closes (413, 400, 431) must read
/// the answer, never a reset — even when it uploads far more than 2 × the limit. The server's lingering
/// close (close_notify + FIN, then discard until the peer's EOF) is what makes this work; these tests
/// upload many MiB past a 64 KiB limit, 30 times each, over real TLS.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ServerLingerTests {
    static let limit = 64 * 1024
    static let rounds = 30

    @Test func curlAlwaysReadsThe413FarPastTwiceTheLimit() async throws {
        // curl 7.88 stops sending once it has read the 413; until then its data is in flight, and a
        // server that closed with unread input would reset the connection under it (curl exit 55).
        let (server, port) = try startServer(tls: true) { $0.maxBodyBytes = Self.limit }
        let upload = Fixtures.directory + "/linger-4MiB.bin"
        _ = FileManager.default.createFile(atPath: upload, contents: Data(count: 4 * 1024 * 1024))
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "curl is the client under test")
        var outcomes: [String] = []
        for _ in 0..<Self.rounds {
            let outcome = try await blocking {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
                process.arguments = [
                    "-sk", "--max-time", "30", "-o", "/dev/null", "-w", "%{http_code}",
                    "-H", "Expect:", "--data-binary", "@\(upload)", "https://127.0.0.1:\(port)/x",
                ]
                let pipe = Pipe()
                process.standardOutput = pipe
                try process.run()
                process.waitUntilExit()
                let code = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                return "\(process.terminationStatus)/\(code)"
            }
            outcomes.append(outcome)
        }
        #expect(outcomes == Array(repeating: "0/413", count: Self.rounds))
        await server.shutdown(gracePeriod: .seconds(2))
    }

    /// A client that writes its whole body before it reads anything (like a plain `requests`/urllib3
    /// upload): every byte it sends after the 413 went out must be read and discarded by the server,
    /// and then the 413 must still be in its receive buffer, followed by a clean close.
    @Test(arguments: [true, false]) func aClientThatWritesEverythingFirstReadsThe413(tls: Bool) async throws {
        let (server, port) = try startServer(tls: tls) { $0.maxBodyBytes = Self.limit }
        let bodySize = 8 * 1024 * 1024
        var failures: [String] = []
        var freeTimes: [Duration] = []
        for round in 0..<Self.rounds {
            let (text, sendError) = try await blocking { () -> (String, String?) in
                let c = try RawConnection(port: port, tls: tls)
                defer { c.close() }
                var sendError: String?
                do {
                    try c.send("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: \(bodySize)\r\n\r\n")
                    let chunk = [UInt8](repeating: 0x61, count: 64 * 1024)
                    for _ in 0..<(bodySize / chunk.count) { try c.send(chunk) }
                } catch {
                    sendError = "\(error)"
                }
                return (String(decoding: c.receive().bytes, as: UTF8.self), sendError)
            }
            if sendError != nil || statusLine(text) != "HTTP/1.1 413 Content Too Large"
                || !text.hasSuffix("{\"message\":\"Request Entity Too Large\"}")
            {
                failures.append(
                    "round \(round): send error \(sendError ?? "none"), read \(text.prefix(40).debugDescription)")
            }
            freeTimes.append(try await Self.timeUntilFree(server))
        }
        #expect(failures.isEmpty, "\(failures)")
        print(
            "tls=\(tls): connection freed after the client's close in at most \(freeTimes.max()!) (\(Self.rounds) rounds)"
        )
        await server.shutdown(gracePeriod: .seconds(2))
    }

    /// 400 and 431 are "answer then close" too: a client that keeps uploading after them reads them.
    @Test(arguments: [400, 431]) func otherAnswerThenCloseErrorsAreReadByAnUploadingClient(status: Int) async throws {
        let head =
            status == 400
            ? "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4194304\r\nTransfer-Encoding: chunked\r\n\r\n"
            : "POST / HTTP/1.1\r\nHost: a\r\nX-Big: \(String(repeating: "b", count: 20_000))\r\n"
        let (server, port) = try startServer(tls: true) { $0.maxBodyBytes = Self.limit }
        var statuses: [Int] = []
        for _ in 0..<10 {
            let text = try await blocking { () -> String in
                let c = try RawConnection(port: port, tls: true)
                defer { c.close() }
                try? c.send(head)
                let chunk = [UInt8](repeating: 0x61, count: 64 * 1024)
                for _ in 0..<64 { do { try c.send(chunk) } catch { break } }
                return String(decoding: c.receive().bytes, as: UTF8.self)
            }
            statuses.append(Int(statusLine(text).split(separator: " ").dropFirst().first ?? "") ?? 0)
        }
        #expect(statuses == Array(repeating: status, count: 10))
        await server.shutdown(gracePeriod: .seconds(2))
    }

    /// A client that never stops sending holds the connection only for the bounded linger, then the
    /// server closes (and frees the slot) although input is still arriving. Both bounds are checked, each
    /// with the other one set far away: the time bound (`discardTimeout`), and the short grace
    /// (`lingerTimeout`) that starts once 2 × the limit was discarded.
    @Test(arguments: [(discard: 1, grace: 40), (discard: 40, grace: 1)])
    func aClientThatNeverStopsSendingIsCutOffAtTheBound(bounds: (discard: Int, grace: Int)) async throws {
        let (server, port) = try startServer(tls: true) {
            $0.maxBodyBytes = Self.limit
            $0.discardTimeout = .seconds(bounds.discard)
            $0.lingerTimeout = .seconds(bounds.grace)
        }
        let clock = ContinuousClock()
        let (elapsed, sawResponse) = try await blocking { () -> (Duration, Bool) in
            let c = try RawConnection(port: port, tls: true)
            defer { c.close() }
            let start = clock.now
            try c.send("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 999999999999\r\n\r\n")
            let chunk = [UInt8](repeating: 0x61, count: 64 * 1024)
            // Until the server's close resets us; a 120 s guard so a missing bound cannot hang the suite.
            while clock.now - start < .seconds(120) {
                do { try c.send(chunk) } catch { break }
            }
            let elapsed = clock.now - start
            return (elapsed, String(decoding: c.receive().bytes, as: UTF8.self).hasPrefix("HTTP/1.1 413"))
        }
        let freed = try await Self.timeUntilFree(server)
        print(
            "endless uploader (discardTimeout \(bounds.discard) s, lingerTimeout \(bounds.grace) s) cut off after \(elapsed); 413 read afterwards: \(sawResponse); slot free \(freed) later"
        )
        // The server lingered (≈1 s), and the near bound, not the far one (40 s), ended it: the margin is wide so
        // that a loaded machine cannot blur which bound acted (this is not a latency measurement).
        #expect(elapsed >= .milliseconds(900))
        #expect(elapsed < .seconds(30))
        await server.shutdown(gracePeriod: .seconds(2))
    }

    /// How long until the server has no open connection (polled every millisecond, at most 20 s).
    static func timeUntilFree(_ server: HTTPServer) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        while server.activeConnections > 0, clock.now - start < .seconds(20) {
            try await Task.sleep(for: .milliseconds(1))
        }
        #expect(server.activeConnections == 0, "a lingering connection was never freed")
        return clock.now - start
    }
}
