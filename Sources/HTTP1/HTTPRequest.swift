/// A complete HTTP/1.x request as the server hands it to a handler (body fully read and de-chunked).
public struct HTTPRequest: Sendable, Equatable {
    /// Method token exactly as sent (`GET`, `POST`, ...).
    public var method: String
    /// The request target as sent (`/path?query`), still percent-encoded.
    public var target: String
    /// HTTP minor version: 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: String, target: String, minorVersion: Int = 1, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.minorVersion = minorVersion
        self.headers = headers
        self.body = body
    }

    /// The target's path (before `?`), still percent-encoded.
    // The `?` is found among the UTF-8 bytes: a search by Character runs grapheme breaking, and the gateway
    // asks for the path several times per request (docs/performance.md). `?` is ASCII, so the index is a
    // character boundary and the slices are the same.
    public var path: Substring {
        if let q = target.firstIndex(ofASCII: UInt8(ascii: "?")) { return target[..<q] }
        return target[...]
    }

    /// The raw query string after `?`, or nil when there is no `?`.
    public var query: Substring? {
        guard let q = target.firstIndex(ofASCII: UInt8(ascii: "?")) else { return nil }
        return target[target.utf8.index(after: q)...]
    }
}
