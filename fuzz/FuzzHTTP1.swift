// libFuzzer entry for the HTTP1 parser (issue 3). Built by fuzz/run-http1-fuzz.sh together with the
// HTTP1 sources as one module; not part of the package's products or CI.
//
// Invariants checked on every input:
// - the parser never crashes or traps, whatever the bytes;
// - parsing the input whole and parsing it split in two (at a point taken from the input) give the same
//   verdict (same head, or same error status): incremental parsing does not depend on read boundaries;
// - a chunked body decodes to the same bytes whole and one byte at a time.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP1(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard !bytes.isEmpty else { return 0 }
    let split = Int(bytes[0]) % (bytes.count + 1)
    let whole = verdict(bytes, splitAt: nil)
    let parts = verdict(bytes, splitAt: split)
    if whole != parts {
        fatalError("verdict differs whole vs split at \(split): \(whole) vs \(parts)")
    }
    checkChunked(bytes)
    var responseParser = HTTPHeadParser()
    _ = try? responseParser.parseResponse(bytes, requestMethod: "GET")
    return 0
}

enum Verdict: Equatable {
    case incomplete
    case head(HTTPRequestHead, Int)
    case error(Int)
}

func verdict(_ bytes: [UInt8], splitAt split: Int?) -> Verdict {
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

func checkChunked(_ bytes: [UInt8]) {
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
        fatalError("chunked decoding differs whole vs byte-wise")
    }
}
