import BoxCore
import Foundation
import Testing

/// The fuzz target's seeds (fuzz/seeds-events) and a bounded, deterministic set of mutations of them, through the
/// same invariants as the libFuzzer target (EventFuzzInvariants.swift): a regression test in `swift test`; the open-
/// ended search is fuzz/run-events-fuzz.sh.
@Suite struct EventFuzzReplayTests {
    static func seeds() throws -> [(String, [UInt8])] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fuzz/seeds-events")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        return try names.map { ($0, Array(try Data(contentsOf: dir.appendingPathComponent($0)))) }
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
        #expect(c.input.headers.map(\.value) == ["1", "2"] && c.input.body == Array("body".utf8) && c.result == Array("{}".utf8))
    }

    /// 3,000 mutations (byte flips, insertions of bytes that matter to the formats, cuts, splices), seeded, so a
    /// failure reproduces: the failing input is printed as hex for fuzz/seeds-events.
    @Test func boundedMutationsKeepTheInvariants() throws {
        let seeds = try Self.seeds().map(\.1)
        var rng = SplitMix(seed: 0x13_2026)
        let interesting: [UInt8] = Array("\0\n:%+&=;,\"\\{}[]\r ".utf8) + [0xC3, 0xFF, 0x80, 0x7F]
        var failures = 0
        for i in 0..<3000 {
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
            if let failure = EventFuzz.check(bytes) {
                failures += 1
                Issue.record("\(failure): \(bytes.map { String($0, radix: 16) }.joined(separator: " "))")
                if failures > 3 { return }
            }
        }
    }
}

/// A small seeded generator (SplitMix64), so the mutations are the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
