// libFuzzer entry for the HTTP1 parser. Built by fuzz/run-http1-fuzz.sh together with the HTTP1 sources and
// Tests/HTTP1Tests/HTTP1FuzzInvariants.swift as one module; not part of the package's products.
// `swift test --filter HTTP1FuzzReplayTests` replays fuzz/seeds and bounded mutations of them through the same
// invariants (HTTP1Fuzz.check).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP1(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let failure = HTTP1Fuzz.check(bytes) {
        fatalError(failure)
    }
    return 0
}
