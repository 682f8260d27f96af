import BoxCore
import HTTP1

/// The `X-Forwarded-For`, `X-Forwarded-Port` and `X-Forwarded-Proto` headers API Gateway adds to the event's headers
/// (docs/gateway.md; AWS's sample event carries all three). The client's own values are believed only from a peer in
/// `TRUSTED_PROXIES`: then the peer is appended to its `X-Forwarded-For` list and its port and protocol are kept;
/// from anyone else the three are replaced (a client cannot plant a forged address in the function's event).
struct ForwardedHeaders: Sendable {
    var forwardedFor: String
    var port: String
    var proto: String

    /// One of the three names, any case.
    static func isForwardedName(_ name: String) -> Bool {
        HTTPHeaders.namesEqual(name, "X-Forwarded-For") || HTTPHeaders.namesEqual(name, "X-Forwarded-Port")
            || HTTPHeaders.namesEqual(name, "X-Forwarded-Proto")
    }

    /// - Parameters:
    ///   - peer: the TCP peer's address (port stripped).
    ///   - trusted: whether the peer is a trusted proxy.
    ///   - listenPort: the port the gateway serves on (`GATEWAY_LISTEN`).
    init(headers: HTTPHeaders, peer: String, trusted: Bool, listenPort: String) {
        let given = trusted ? headers["X-Forwarded-For"]?.trimmingASCIIWhitespace() : nil
        forwardedFor = given.map { $0.isEmpty ? peer : "\($0), \(peer)" } ?? peer
        port = (trusted ? headers["X-Forwarded-Port"] : nil) ?? listenPort
        proto = (trusted ? headers["X-Forwarded-Proto"] : nil) ?? "https"
    }

    /// The event's headers: the client's as received, then the three `X-Forwarded-*` in API Gateway's order,
    /// without the client's own three and without what described only its connection to the gateway (RFC 9110
    /// §7.6.1, docs/gateway.md "Event headers"): hop-by-hop fields and those a `Connection` header lists, and an
    /// `Expect` the gateway already answered. A chunked body was read whole, so its `Transfer-Encoding` becomes
    /// the `Content-Length` of the bytes the function receives, as a proxy that reads the body first sends it.
    func eventHeaders(from headers: HTTPHeaders, bodyLength: Int) -> [(name: String, value: String)] {
        // One array sized for all of them (a map, a filter and three appends made three).
        var out: [(name: String, value: String)] = []
        out.reserveCapacity(headers.count + 3)
        let listed = headers.connectionOptions  // empty unless the client sent `Connection`
        var lengthWritten = false
        // By index: iterating the fields and the three names by value copied (retained) each name it compared.
        let fields = headers.fields
        for i in fields.indices {
            let name = fields[i].name
            if Self.isForwardedName(name) || HTTPHeaders.namesEqual(name, "Expect") { continue }
            if HTTPHeaders.isHopByHop(name) {
                if !lengthWritten, HTTPHeaders.namesEqual(name, "Transfer-Encoding") {
                    out.append((name: "Content-Length", value: String(bodyLength)))
                    lengthWritten = true
                }
                continue
            }
            if !listed.isEmpty, listed.contains(where: { HTTPHeaders.namesEqual($0, name) }) { continue }
            out.append((name: name, value: fields[i].value))
        }
        out.append((name: "X-Forwarded-For", value: forwardedFor))
        out.append((name: "X-Forwarded-Port", value: port))
        out.append((name: "X-Forwarded-Proto", value: proto))
        return out
    }

    /// The port of a `host:port` listen address (`[::]:443` too); 443 when none can be read.
    static func port(ofListen listen: String) -> String {
        guard let colon = listen.lastIndex(of: ":") else { return "443" }
        let port = listen[listen.index(after: colon)...]
        return !port.isEmpty && port.allSatisfy(\.isASCII) && Int(port) != nil ? String(port) : "443"
    }
}
