import ESBTestSupport
import Testing

/// The HTTP1 fuzz target's seeds (fuzz/seeds) and a bounded, deterministic set of mutations of them, through the
/// same invariants as the libFuzzer target (HTTP1FuzzInvariants.swift): a regression test in `swift test`; the
/// open-ended search is fuzz/run-http1-fuzz.sh.
@Suite struct HTTP1FuzzReplayTests {
    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        try SeededMutations.seeds(in: "seeds")
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
        let interesting: [UInt8] = Array("\r\n: \t;=0123456789abcdefABCDEF/?%-".utf8) + [0x00, 0x7F, 0x80, 0xFF]
        let failures = SeededMutations.failures(
            of: try Self.seeds().map(\.bytes), count: 5000, seed: 0x0911_2026, interesting: interesting,
            check: HTTP1Fuzz.check)
        for failure in failures { Issue.record("\(failure)") }
    }
}
