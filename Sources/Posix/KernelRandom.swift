import CLinuxShims
#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// Random numbers from the kernel (`getrandom(2)`), fetched 4 KiB at a time.
///
/// `SystemRandomNumberGenerator` makes one `getrandom` call per 64-bit draw; the gateway draws four per request
/// (request id and trace id), four system calls of every fifteen it made per proxied request
/// (docs/performance.md, "System calls"). The bytes are the kernel's either way; they wait in this process's
/// memory until drawn, as in OpenSSL's own random generator. Not BoxCrypto's `SecureRandom` (OpenSSL's
/// `RAND_bytes`): that calls `getpid` on every call to detect a fork, which measured 4.2 system calls per request
/// with one call per draw.
public struct KernelRandom: RandomNumberGenerator, Sendable {
    public init() {}

    public mutating func next() -> UInt64 {
        KernelRandomPool.shared.next()
    }
}

final class KernelRandomPool: Sendable {
    static let shared = KernelRandomPool()
    static let words = 512

    struct State: ~Copyable {
        var words = [UInt64](repeating: 0, count: KernelRandomPool.words)
        var used = KernelRandomPool.words
    }

    let state = Mutex(State())

    func next() -> UInt64 {
        state.withLock { state in
            if state.used == state.words.count {
                Self.fill(&state.words)
                state.used = 0
            }
            defer { state.used += 1 }
            return state.words[state.used]
        }
    }

    /// Fills `words` from `getrandom(2)`; falls back to the standard library's generator (also the kernel's) if
    /// the call fails, which it does not on Linux 3.17 and later.
    static func fill(_ words: inout [UInt64]) {
        let filled = words.withUnsafeMutableBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = CLinuxShims_getrandom(raw.baseAddress! + offset, UInt(raw.count - offset))
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += Int(n)
            }
            return true
        }
        if !filled {
            var system = SystemRandomNumberGenerator()
            for i in words.indices { words[i] = system.next() }
        }
    }
}
