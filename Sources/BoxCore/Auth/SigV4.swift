import BoxCrypto

/// The parts of AWS Signature Version 4 shared by the verifier and the signer: canonical request, string to
/// sign and signing key, computed exactly as botocore does (the test oracle).
enum SigV4 {
    static let algorithm = "AWS4-HMAC-SHA256"
    static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// Headers never signed (botocore's list): hop-by-hop ones and those proxies rewrite.
    static let unsignedHeaders: Set<String> = [
        "authorization", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id", "content-length",
    ]

    /// RFC 3986 unreserved characters stay, everything else becomes `%XX` (upper-case hex); `/` stays when
    /// `keepSlash`.
    static func uriEncode<Bytes: Sequence>(_ bytes: Bytes, keepSlash: Bool) -> String where Bytes.Element == UInt8 {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount + 16)
        for b in bytes {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.append(b)
            case UInt8(ascii: "/") where keepSlash:
                out.append(b)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The canonical URI. Every service but S3: the path as sent, dot segments and empty segments removed
    /// (botocore's `remove_dot_segments`), then URI-encoded AGAIN (so `%3A` becomes `%253A`). S3: the path as is.
    static func canonicalURI(path: String, service: String) -> String {
        if service == "s3" { return path.isEmpty ? "/" : path }
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty else { return "/" }
        // Bytes, not Characters: this runs on every Invoke request.
        var output: [ArraySlice<UInt8>] = []
        for segment in bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if segment.elementsEqual([UInt8(ascii: ".")]) { continue }
            if segment.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
                if !output.isEmpty { output.removeLast() }
            } else {
                output.append(segment)
            }
        }
        var normalized: [UInt8] = bytes.first == UInt8(ascii: "/") ? [UInt8(ascii: "/")] : []
        normalized.reserveCapacity(bytes.count + 1)
        normalized += output.joined(separator: [UInt8(ascii: "/")])
        if bytes.last == UInt8(ascii: "/") && !output.isEmpty { normalized.append(UInt8(ascii: "/")) }
        return uriEncode(normalized, keepSlash: true)
    }

    /// The canonical query: pairs split at the first `=`, each side decoded and re-encoded strictly (so any
    /// client's encoding normalizes to the one SigV4 signs), sorted by name then value.
    static func canonicalQuery(_ query: String?) -> String {
        guard let query, !query.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let eq = part.firstIndex(of: "=") ?? part.endIndex
            let value = eq == part.endIndex ? "" : part[part.index(after: eq)...]
            pairs.append((reencode(part[..<eq]), reencode(value)))
        }
        pairs.sort {
            $0.0 != $1.0
                ? Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8))
                : Array($0.1.utf8).lexicographicallyPrecedes(Array($1.1.utf8))
        }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    static func reencode(_ text: Substring) -> String {
        uriEncode(PercentDecoding.decodedBytes(text.utf8), keepSlash: false)
    }

    /// `name:value` lines for the signed names (lower case, in the given order): every value of the header,
    /// trimmed with inner whitespace runs collapsed, joined by `,`. Nil names a signed header that is absent.
    static func canonicalHeaders(_ headers: [(name: String, value: String)], signed names: [String])
        -> (text: String, missing: String?)
    {
        var text = ""
        for name in names {
            let values = headers.filter { ASCII.equalsIgnoringCase($0.name, name) }.map { trimAll($0.value) }
            if values.isEmpty { return ("", name) }
            text += name + ":" + values.joined(separator: ",") + "\n"
        }
        return (text, nil)
    }

    static func trimAll(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for b in value.utf8 {
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(0x20) }
                pendingSpace = false
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func canonicalRequest(
        method: String, canonicalURI: String, canonicalQuery: String, canonicalHeaders: String, signedHeaders: String,
        payloadHash: String
    ) -> String {
        [method.uppercased(), canonicalURI, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash]
            .joined(separator: "\n")
    }

    static func stringToSign(amzDate: String, scope: String, canonicalRequest: String) -> String {
        "\(algorithm)\n\(amzDate)\n\(scope)\n\(Hex.encode(SHA256.hash(canonicalRequest)))"
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
    static func signingKey(secret: String, date: String, region: String, service: String) -> [UInt8] {
        let kDate = HMACSHA256.authenticationCode(key: Array("AWS4\(secret)".utf8), message: date)
        let kRegion = HMACSHA256.authenticationCode(key: kDate, message: region)
        let kService = HMACSHA256.authenticationCode(key: kRegion, message: service)
        return HMACSHA256.authenticationCode(key: kService, message: "aws4_request")
    }

    /// Epoch seconds of an `X-Amz-Date` (`20150830T123600Z`), or nil when it is not one.
    static func parseAmzDate(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var v = 0
            for i in range {
                let d = b[i] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                v = v * 10 + Int(d)
            }
            return v
        }
        guard let y = number(0..<4), let mo = number(4..<6), let d = number(6..<8), let h = number(9..<11),
            let mi = number(11..<13), let s = number(13..<15), (1...12).contains(mo), (1...31).contains(d), h < 24,
            mi < 60, s < 61
        else { return nil }
        let days = CivilTime.days(year: y, month: mo, day: d)
        return Int64(days) * 86_400 + Int64(h * 3600 + mi * 60 + s)
    }
}

/// Percent-encoding of one URL path segment or query value: RFC 3986 unreserved characters stay, every other
/// byte becomes `%XX` (upper-case hex). The same encoder SigV4 signs with.
public enum PercentEncoding {
    public static func encode(_ text: String) -> String {
        SigV4.uriEncode(text.utf8, keepSlash: false)
    }
}
