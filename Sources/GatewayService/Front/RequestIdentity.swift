public import HTTP1

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
        var rng = SystemRandomNumberGenerator()
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
    public static func newUUID<R: RandomNumberGenerator>(using rng: inout R) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Self.hex(bytes)
        let cuts = [8, 12, 16, 20]
        var out = ""
        for (i, ch) in hex.enumerated() {
            if cuts.contains(i) { out.append("-") }
            out.append(ch)
        }
        return out
    }

    /// `Root=1-<8 hex epoch>-<24 hex random>`, the X-Ray trace header format API Gateway uses.
    public static func newTraceID<R: RandomNumberGenerator>(epochSeconds: Int64, using rng: inout R) -> String {
        let epoch = String(UInt32(truncatingIfNeeded: epochSeconds), radix: 16)
        let padded = String(repeating: "0", count: 8 - epoch.count) + epoch
        let random = (0..<12).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return "Root=1-\(padded)-\(hex(random))"
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var out = ""
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return out
    }

    /// `[A-Za-z0-9._:-]{1,128}`: what a client's `X-Request-Id` may be to be kept.
    public static func isValidRequestID(_ value: String) -> Bool {
        let utf8 = value.utf8
        return !utf8.isEmpty && utf8.count <= 128 && utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: ":") || b == UInt8(ascii: "-")
        }
    }

    /// Printable ASCII, non-empty, at most 256 bytes.
    static func isSafe(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 256 && value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }
}
