/// A complete HTTP response produced by a handler or read by the client.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a UTF-8 body and the given content type.
    public init(status: Int, contentType: String, text: String, headers: HTTPHeaders = [:]) {
        var h = headers
        h.replaceOrAdd(name: "Content-Type", value: contentType)
        self.init(status: status, headers: h, body: Array(text.utf8))
    }
}
