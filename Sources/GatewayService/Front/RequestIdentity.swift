public import HTTP1
import Posix

/// The `X-Request-Id` and `X-Amzn-Trace-Id` of one request (docs/contract.md §3.2): the client's values are kept,
/// missing ones are generated. Both go on every response, into the event and to the worker.
public struct RequestIdentity: Sendable, Equatable {
    /// `X-Request-Id`: the client's, or a new UUID (lower-case, version 4).
    public var requestID: String
    /// `X-Amzn-Trace-Id`: the client's, or `Root=1-<8 hex epoch seconds>-<24 hex>`.
    public var traceID: String

    /// Creates an identity from explicit values.
    public init(requestID: String, traceID: String) {
        self.requestID = requestID
        self.traceID = traceID
    }

    /// Takes the client's ids from `headers` or makes new ones.
    /// - Parameter epochSeconds: the current time (the trace id embeds it).
    public init(headers: HTTPHeaders, epochSeconds: Int64) {
        var rng = KernelRandom()
        // The request id becomes the function's invocation id (`context.aws_request_id`) and the RIE's: only
        // `[A-Za-z0-9._:-]{1,128}` is kept (docs/gateway.md); `../../x` made the invocation fail.
        if let given = headers["X-Request-Id"], Self.isValidRequestID(given) {
            requestID = given
        } else {
            requestID = Self.newUUID(using: &rng)
        }
        if let given = headers["X-Amzn-Trace-Id"], Self.isSafe(given) {
            traceID = given
        } else {
            traceID = Self.newTraceID(epochSeconds: epochSeconds, using: &rng)
        }
    }

    /// The two headers as they go on a response (or to a worker).
    public func apply(to headers: inout HTTPHeaders) {
        headers.replaceOrAdd(name: "X-Request-Id", value: requestID)
        headers.replaceOrAdd(name: "X-Amzn-Trace-Id", value: traceID)
    }

    /// A random version-4 UUID in its canonical lower-case form.
    ///
    /// Per request (docs/performance.md): two 64-bit draws (from `KernelRandom`'s buffer: no system call per
    /// draw) written as hex into one 36-byte buffer.
    public static func newUUID<R: RandomNumberGenerator>(using rng: inout R) -> String {
        var high = rng.next() as UInt64
        var low = rng.next() as UInt64
        high = (high & ~0x0000_0000_0000_F000) | 0x0000_0000_0000_4000  // byte 6: version 4
        low = (low & ~0xC000_0000_0000_0000) | 0x8000_0000_0000_0000  // byte 8: RFC 4122 variant
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for digit in 0..<32 {
            if digit == 8 || digit == 12 || digit == 16 || digit == 20 { out.append(UInt8(ascii: "-")) }
            let word = digit < 16 ? high : low
            out.append(hexDigit(UInt8(truncatingIfNeeded: word >> (60 - 4 * (digit % 16))) & 0x0F))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `Root=1-<8 hex epoch>-<24 hex random>`, the X-Ray trace header format API Gateway uses.
    public static func newTraceID<R: RandomNumberGenerator>(epochSeconds: Int64, using rng: inout R) -> String {
        let epoch = UInt64(UInt32(truncatingIfNeeded: epochSeconds))
        let high = rng.next() as UInt64
        let low = rng.next() as UInt64 >> 32  // 24 hex digits = 96 random bits
        var out = Array("Root=1-".utf8)
        out.reserveCapacity(40)
        func put(_ word: UInt64, digits: Int) {
            for i in 0..<digits {
                out.append(hexDigit(UInt8(truncatingIfNeeded: word >> (4 * (digits - 1 - i))) & 0x0F))
            }
        }
        put(epoch, digits: 8)
        out.append(UInt8(ascii: "-"))
        put(high, digits: 16)
        put(low, digits: 8)
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always) static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }

    /// `[A-Za-z0-9._:-]{1,128}`: what a client's `X-Request-Id` may be to be kept.
    public static func isValidRequestID(_ value: String) -> Bool {
        let utf8 = value.utf8
        return !utf8.isEmpty && utf8.count <= 128
            && utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                    || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: ":")
                    || b == UInt8(ascii: "-")
            }
    }

    /// Printable ASCII, non-empty, at most 256 bytes.
    static func isSafe(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 256 && value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }
}
