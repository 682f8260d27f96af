/// An incremental decoder for the chunked transfer coding (RFC 9112 §7.1).
///
/// Strict: chunk sizes are 1–15 hex digits with nothing else before the CRLF except a `;` extension;
/// no spaces, no `0x`, CRLF exactly after each chunk's data; trailer fields are checked for shape and
/// dropped. A chunk that would push the total past `maxBodyBytes` fails with 413 when its size line
/// arrives, before its data is read.
public struct ChunkedDecoder: Sendable {
    enum State: Sendable, Equatable {
        case size, extensionText, sizeLF, data, dataCR, dataLF
        case trailerLineStart, trailerLine, trailerLF, finalLF, done
    }

    /// Largest decoded body accepted.
    public let maxBodyBytes: Int
    /// Largest total of chunk-extension and trailer bytes accepted (400 beyond).
    public let maxMetadataBytes: Int
    var state = State.size
    var digits = 0
    var size = 0
    var remaining = 0
    var metadata = 0
    /// Decoded bytes so far.
    public private(set) var total = 0

    /// A decoder with limits.
    public init(maxBodyBytes: Int, maxMetadataBytes: Int = 16 * 1024) {
        self.maxBodyBytes = maxBodyBytes
        self.maxMetadataBytes = maxMetadataBytes
    }

    /// True once the last chunk and the trailer section have been read.
    public var isComplete: Bool { state == .done }

    /// Decodes from `buffer[start..<end]`, appending data to `body`; returns the index just past the last
    /// byte consumed (the end of the message once `isComplete`, else `end`).
    public mutating func decode(
        _ buffer: [UInt8], start: Int, end: Int, into body: inout [UInt8]
    ) throws(HTTPParseError) -> Int {
        var i = start
        while i < end {
            let b = buffer[i]
            switch state {
            case .size:
                if ASCII.isHexDigit(b) {
                    digits += 1
                    guard digits <= 15 else { throw .badRequest("chunk size too long") }
                    size = size << 4 | ASCII.hexValue(b)
                } else if b == ASCII.semicolon, digits > 0 {
                    state = .extensionText
                } else if b == ASCII.cr, digits > 0 {
                    state = .sizeLF
                } else {
                    throw .badRequest("bad chunk size")
                }
            case .extensionText:
                if b == ASCII.cr {
                    state = .sizeLF
                } else {
                    guard ASCII.isFieldValue(b) else { throw .badRequest("bad chunk extension") }
                    try countMetadata("chunk extensions too long")
                }
            case .sizeLF:
                guard b == ASCII.lf else { throw .badRequest("bare CR in chunk size line") }
                if size == 0 {
                    state = .trailerLineStart
                } else {
                    guard size <= maxBodyBytes - total else { throw .bodyTooLarge }
                    remaining = size
                    state = .data
                }
                digits = 0
                size = 0
            case .data:
                let n = min(remaining, end - i)
                body.append(contentsOf: buffer[i..<i + n])
                remaining -= n
                total += n
                i += n
                if remaining == 0 { state = .dataCR }
                continue
            case .dataCR:
                guard b == ASCII.cr else { throw .badRequest("chunk data longer than its size") }
                state = .dataLF
            case .dataLF:
                guard b == ASCII.lf else { throw .badRequest("bare CR after chunk data") }
                state = .size
            case .trailerLineStart:
                if b == ASCII.cr {
                    state = .finalLF
                } else {
                    guard ASCII.isToken(b) else { throw .badRequest("bad trailer field") }
                    state = .trailerLine
                    try countMetadata("trailer section too long")
                }
            case .trailerLine:
                if b == ASCII.cr {
                    state = .trailerLF
                } else {
                    guard ASCII.isFieldValue(b) else { throw .badRequest("bad trailer field") }
                    try countMetadata("trailer section too long")
                }
            case .trailerLF:
                guard b == ASCII.lf else { throw .badRequest("bare CR in trailer") }
                state = .trailerLineStart
            case .finalLF:
                guard b == ASCII.lf else { throw .badRequest("bare CR after last chunk") }
                state = .done
                return i + 1
            case .done:
                return i
            }
            i += 1
        }
        return i
    }

    mutating func countMetadata(_ tooLong: String) throws(HTTPParseError) {
        metadata += 1
        guard metadata <= maxMetadataBytes else { throw .badRequest(tooLong) }
    }
}
