import Foundation

/// Bounded, deterministic fuzzing for `swift test`: a fuzz target's seed files and a fixed series of mutations of
/// them (byte flips, insertions of the bytes that matter to the format, cuts, splices), through the same
/// invariant check as the libFuzzer target, so a failure reproduces and the open-ended search stays in fuzz/.
public enum SeededMutations {
    /// The files of `fuzz/<folder>` (relative to the repository root), sorted by name.
    public static func seeds(in folder: String) throws -> [(name: String, bytes: [UInt8])] {
        let dir = DockerTestSupport.repositoryRoot.appendingPathComponent("fuzz").appendingPathComponent(folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        return try names.map { ($0, Array(try Data(contentsOf: dir.appendingPathComponent($0)))) }
    }

    /// Runs `count` mutations of `seeds` through `check` (nil: the invariants hold); returns the first few failures
    /// as "what broke: the input in hex", ready to become a seed file.
    public static func failures(
        of seeds: [[UInt8]], count: Int, seed: UInt64, interesting: [UInt8], check: ([UInt8]) -> String?
    ) -> [String] {
        var rng = SplitMix(seed: seed)
        var failures: [String] = []
        for i in 0..<count where failures.count < 4 {
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
            if let failure = check(bytes) {
                failures.append("\(failure): \(bytes.map { String($0, radix: 16) }.joined(separator: " "))")
            }
        }
        return failures
    }
}
