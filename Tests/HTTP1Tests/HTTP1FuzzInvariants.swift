// The invariants of the HTTP1 fuzz target (fuzz/FuzzHTTP1.swift), shared with the bounded replay in `swift test`
// (HTTP1FuzzReplayTests). fuzz/run-http1-fuzz.sh compiles this file together with Sources/HTTP1 into one module,
// so the `import HTTP1` below is dropped there.
import HTTP1

/// What must hold for any bytes given to the HTTP/1.1 parsers.
enum HTTP1Fuzz {
    /// nil when every invariant holds, else what broke:
    /// - the parsers never crash or trap, whatever the bytes;
    /// - parsing the input whole and split in two (at a point taken from the input) gives the same verdict (same
    ///   head, or same error status): incremental parsing does not depend on read boundaries;
    /// - a chunked body decodes to the same bytes whole and one byte at a time.
    static func check(_ bytes: [UInt8]) -> String? {
        guard !bytes.isEmpty else { return nil }
        let split = Int(bytes[0]) % (bytes.count + 1)
        let whole = verdict(bytes, splitAt: nil)
        let parts = verdict(bytes, splitAt: split)
        if whole != parts { return "verdict differs whole vs split at \(split): \(whole) vs \(parts)" }
        if let chunked = checkChunked(bytes) { return chunked }
        var responseParser = HTTPHeadParser()
        _ = try? responseParser.parseResponse(bytes, requestMethod: "GET")
        return nil
    }

    enum Verdict: Equatable {
        case incomplete
        case head(HTTPRequestHead, Int)
        case error(Int)
    }

    static func verdict(_ bytes: [UInt8], splitAt split: Int?) -> Verdict {
        var parser = HTTPHeadParser(maxHeaderBytes: 4096)
        do {
            if let split {
                if case .complete(let head, let end) = try parser.parseRequest(bytes, start: 0, end: split) {
                    return .head(head, end)
                }
            }
            switch try parser.parseRequest(bytes) {
            case .incomplete: return .incomplete
            case .complete(let head, let end): return .head(head, end)
            }
        } catch {
            return .error(error.status)
        }
    }

    static func checkChunked(_ bytes: [UInt8]) -> String? {
        var a = ChunkedDecoder(maxBodyBytes: 1 << 16), b = ChunkedDecoder(maxBodyBytes: 1 << 16)
        var bodyA: [UInt8] = [], bodyB: [UInt8] = []
        let endA: Int? = try? a.decode(bytes, start: 0, end: bytes.count, into: &bodyA)
        var endB: Int? = 0
        var i = 0
        while i < bytes.count, !b.isComplete {
            guard let next = try? b.decode(bytes, start: i, end: i + 1, into: &bodyB) else {
                endB = nil
                break
            }
            i = next
            endB = next
        }
        if (endA == nil) != (endB == nil) || (endA != nil && (bodyA != bodyB || a.isComplete != b.isComplete)) {
            return "chunked decoding differs whole vs byte-wise"
        }
        return nil
    }
}
