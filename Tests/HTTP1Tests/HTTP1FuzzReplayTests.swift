import ESBTestSupport
import Foundation
import Testing

/// The HTTP1 fuzz target's seeds (fuzz/seeds) and a bounded, deterministic set of mutations of them, through the
/// same invariants as the libFuzzer target (HTTP1FuzzInvariants.swift): a regression test in `swift test`; the
/// open-ended search is fuzz/run-http1-fuzz.sh.
@Suite struct HTTP1FuzzReplayTests {
    static func seeds() throws -> [(String, [UInt8])] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fuzz/seeds")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        return try names.map { ($0, Array(try Data(contentsOf: dir.appendingPathComponent($0)))) }
    }

    @Test func everySeedKeepsTheInvariants() throws {
        let seeds = try Self.seeds()
        #expect(seeds.count >= 5)
        for (name, bytes) in seeds {
            #expect(HTTP1Fuzz.check(bytes) == nil, "\(name)")
        }
    }

    @Test func theInvariantsCatchAParserThatDependsOnReadBoundaries() {
        // The oracle itself can fail: a head split inside "\r\n\r\n" must still give the same verdict, and a
        // verdict computed on a prefix only differs from the whole.
        let get = Array("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        #expect(HTTP1Fuzz.verdict(get, splitAt: 20) == HTTP1Fuzz.verdict(get, splitAt: nil))
        #expect(HTTP1Fuzz.verdict(Array(get.prefix(20)), splitAt: nil) != HTTP1Fuzz.verdict(get, splitAt: nil))
    }

    /// 5,000 mutations (byte flips, insertions of the bytes that matter to HTTP/1.1 framing, cuts, splices), seeded:
    /// a failing input is printed as hex, ready to become a file in fuzz/seeds.
    @Test func boundedMutationsKeepTheInvariants() throws {
        let seeds = try Self.seeds().map(\.1)
        var rng = SplitMix(seed: 0x0911_2026)
        let interesting: [UInt8] = Array("\r\n: \t;=0123456789abcdefABCDEF/?%-".utf8) + [0x00, 0x7F, 0x80, 0xFF]
        var failures = 0
        for i in 0..<5000 {
            var bytes = seeds[i % seeds.count]
            for _ in 0..<(1 + Int(rng.next() % 8)) {
                let at = bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 5 {
                case 0 where !bytes.isEmpty: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
                case 1: bytes.insert(interesting[Int(rng.next() % UInt64(interesting.count))], at: at)
                case 2 where !bytes.isEmpty: bytes.removeSubrange(at..<min(bytes.count, at + Int(rng.next() % 16)))
                case 3:
                    let other = seeds[Int(rng.next() % UInt64(seeds.count))]
                    bytes.insert(contentsOf: other.prefix(Int(rng.next() % 64)), at: at)
                default: bytes.append(interesting[Int(rng.next() % UInt64(interesting.count))])
                }
            }
            if let failure = HTTP1Fuzz.check(bytes) {
                failures += 1
                Issue.record("\(failure): \(bytes.map { String($0, radix: 16) }.joined(separator: " "))")
                if failures > 3 { return }
            }
        }
    }
}
