public import HTTP1

/// The `X-Request-Id` and `X-Amzn-Trace-Id` of one request (PRODUCT §3.2): the client's values are kept,
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
        // An over-long or control-character id is not echoed back: it would let a client inject header lines
        // into logs and responses.
        if let given = headers["X-Request-Id"], Self.isSafe(given) {
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

    /// Printable ASCII, non-empty, at most 256 bytes.
    static func isSafe(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 256 && value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }
}
