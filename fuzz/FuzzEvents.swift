// libFuzzer entry for the event builder and the result mapper (issue 13). Built by fuzz/run-events-fuzz.sh together
// with BoxCore's event, JSON and routing sources and Tests/BoxCoreTests/EventFuzzInvariants.swift as one module;
// not part of the package's products. `swift test --filter EventFuzzReplayTests` replays fuzz/seeds-events and
// bounded mutations of them through the same invariants.
//
// Input: NUL-separated method, path, query, header lines, body, and the function's result payload
// (EventFuzz.decode). Invariants (EventFuzz.check): both events are JSON objects that keep every header value and
// the body byte for byte; no result maps to a status outside 200–599, an unsafe header line, or more header lines
// than the cap; nothing crashes or traps.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEvents(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let failure = EventFuzz.check(bytes) {
        fatalError("event/result invariant broken: \(failure)")
    }
    return 0
}
