import BoxCore
import ESBTestSupport
import Testing

/// The fuzz target's seeds (fuzz/seeds-events) and a bounded, deterministic set of mutations of them, through the
/// same invariants as the libFuzzer target (EventFuzzInvariants.swift): a regression test in `swift test`; the open-
/// ended search is fuzz/run-events-fuzz.sh.
@Suite struct EventFuzzReplayTests {
    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        try SeededMutations.seeds(in: "seeds-events")
    }

    @Test func everySeedKeepsTheInvariants() throws {
        let seeds = try Self.seeds()
        #expect(seeds.count >= 6)
        for (name, bytes) in seeds {
            #expect(EventFuzz.check(bytes) == nil, "\(name)")
        }
    }

    @Test func decodingSplitsTheFields() throws {
        let c = EventFuzz.decode(Array("POST\0a/b\0-\0X-A:1\nx-a:2\0body\0{}".utf8))
        #expect(c.input.method == "POST" && c.input.rawPath == "/a/b" && c.input.rawQuery == nil)
        #expect(
            c.input.headers.map(\.value) == ["1", "2"] && c.input.body == Array("body".utf8)
                && c.result == Array("{}".utf8))
    }

    /// 3,000 mutations (byte flips, insertions of bytes that matter to the formats, cuts, splices), seeded, so a
    /// failure reproduces: the failing input is printed as hex for fuzz/seeds-events.
    @Test func boundedMutationsKeepTheInvariants() throws {
        let interesting: [UInt8] = Array("\0\n:%+&=;,\"\\{}[]\r ".utf8) + [0xC3, 0xFF, 0x80, 0x7F]
        let failures = SeededMutations.failures(
            of: try Self.seeds().map(\.bytes), count: 3000, seed: 0x13_2026, interesting: interesting,
            check: EventFuzz.check)
        for failure in failures { Issue.record("\(failure)") }
    }
}
