import Crypto
import HTTP1

/// AWS Signature Version 4 verification of an Invoke API request (PRODUCT §3.6): service `lambda`, the region from
/// the credential scope, the box's one key pair (`INVOKE_ACCESS_KEY_ID` / `INVOKE_SECRET_ACCESS_KEY`), at most
/// 15 minutes of clock skew.
///
/// The canonical request is built as botocore builds it: for every service but S3 the (already percent-encoded)
/// path is encoded AGAIN (`my-func%3A%24LATEST` → `my-func%253A%2524LATEST`); the query is decoded, re-encoded with
/// RFC 3986 rules and sorted; the payload hash is `x-amz-content-sha256` when sent, else SHA-256 of the body.
struct InvokeSignatureCheck {
    static let algorithm = "AWS4-HMAC-SHA256"
    static let service = "lambda"
    static let maxSkewSeconds: Int64 = 15 * 60

    let accessKeyID: String?
    let secretAccessKey: String?
    let now: () -> Int64

    init(environment: GatewayEnvironment, now: @escaping () -> Int64 = { UTCTimestamp.nowMillis() / 1000 }) {
        accessKeyID = environment.invokeAccessKeyID
        secretAccessKey = environment.invokeSecretAccessKey
        self.now = now
    }

    static let unrecognized = GatewayError.aws(.unrecognizedClient, message: "The security token included in the request is invalid.")
    static let mismatch = GatewayError.aws(
        .invalidSignature,
        message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")

    /// Verifies the request's `Authorization` header; returns the region it was signed for.
    func verify(_ request: HTTPRequest) throws(GatewayError) -> String {
        guard let header = request.headers["Authorization"], let auth = Self.parseAuthorization(header) else {
            throw Self.mismatch
        }
        guard let accessKeyID, let secretAccessKey, constantTimeEquals(auth.accessKey, accessKeyID) else {
            throw Self.unrecognized
        }
        guard auth.service == Self.service, auth.terminator == "aws4_request" else {
            throw .aws(.invalidSignature, message: "Credential should be scoped to correct service: 'lambda'.")
        }
        guard auth.signedHeaders.contains("host") else {
            throw .aws(.invalidSignature, message: "'Host' must be a 'SignedHeader' in the AWS Authorization.")
        }
        guard let amzDate = request.headers["X-Amz-Date"], let signedAt = Self.epochSeconds(amzDate: amzDate),
              amzDate.hasPrefix(auth.date)
        else {
            throw .aws(.invalidSignature, message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        let skew = now() - signedAt
        guard skew.magnitude <= Self.maxSkewSeconds else {
            throw .aws(.invalidSignature, message: "Signature expired: \(amzDate) is now earlier or later than 15 minutes from the request time.")
        }
        let canonical = Self.canonicalRequest(request, signedHeaders: auth.signedHeaders)
        let scope = "\(auth.date)/\(auth.region)/\(auth.service)/aws4_request"
        let stringToSign = "\(Self.algorithm)\n\(amzDate)\n\(scope)\n\(Hex.encode(SHA256.hash(canonical)))"
        var key = HMACSHA256.authenticationCode(key: Array("AWS4\(secretAccessKey)".utf8), message: auth.date)
        for part in [auth.region, auth.service, "aws4_request"] {
            key = HMACSHA256.authenticationCode(key: key, message: part)
        }
        let expected = Hex.encode(HMACSHA256.authenticationCode(key: key, message: stringToSign))
        guard constantTimeEquals(expected, auth.signature.lowercased()) else { throw Self.mismatch }
        return auth.region
    }

    struct Authorization {
        var accessKey, date, region, service, terminator: String
        var signedHeaders: [String]
        var signature: String
    }

    /// `AWS4-HMAC-SHA256 Credential=AK/20240101/region/lambda/aws4_request, SignedHeaders=a;b, Signature=hex`.
    static func parseAuthorization(_ header: String) -> Authorization? {
        guard header.hasPrefix(algorithm + " ") else { return nil }
        var fields: [String: String] = [:]
        for part in header.dropFirst(algorithm.count + 1).split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { return nil }
            fields[String(kv[0]).trimmingASCIIWhitespace()] = String(kv[1]).trimmingASCIIWhitespace()
        }
        guard let credential = fields["Credential"], let signed = fields["SignedHeaders"], let signature = fields["Signature"]
        else { return nil }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, !scope[0].isEmpty, scope[1].count == 8 else { return nil }
        return Authorization(
            accessKey: scope[0], date: scope[1], region: scope[2], service: scope[3], terminator: scope[4],
            signedHeaders: signed.split(separator: ";").map { $0.lowercased() }, signature: signature)
    }

    /// The canonical request (SigV4 task 1).
    static func canonicalRequest(_ request: HTTPRequest, signedHeaders: [String]) -> [UInt8] {
        var out = request.method + "\n"
        out += uriEncode(String(request.path), keepSlash: true) + "\n"
        out += canonicalQuery(request.query) + "\n"
        for name in signedHeaders {
            let values = request.headers.values(for: name).map { collapseSpaces($0.trimmingASCIIWhitespace()) }
            out += "\(name):\(values.joined(separator: ","))\n"
        }
        out += "\n" + signedHeaders.joined(separator: ";") + "\n"
        out += request.headers["x-amz-content-sha256"] ?? Hex.encode(SHA256.hash(request.body))
        return Array(out.utf8)
    }

    static func canonicalQuery(_ query: Substring?) -> String {
        guard let query, !query.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for item in query.split(separator: "&") {
            let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = StrictPercentDecoding.decode(kv[0]) ?? String(kv[0])
            let value = kv.count == 2 ? (StrictPercentDecoding.decode(kv[1]) ?? String(kv[1])) : ""
            pairs.append((uriEncode(key, keepSlash: false), uriEncode(value, keepSlash: false)))
        }
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// RFC 3986 encoding: unreserved characters stay, everything else is `%XX` (upper-case hex).
    static func uriEncode(_ text: String, keepSlash: Bool) -> String {
        let hex = Array("0123456789ABCDEF")
        var out = ""
        for b in text.utf8 {
            let unreserved = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
                || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "~")
            if unreserved || (keepSlash && b == UInt8(ascii: "/")) {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                out += "%" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 0x0F)])
            }
        }
        return out
    }

    static func collapseSpaces(_ s: String) -> String {
        var out = ""
        var lastSpace = false
        for ch in s {
            if ch == " " {
                if !lastSpace { out.append(ch) }
                lastSpace = true
            } else {
                out.append(ch)
                lastSpace = false
            }
        }
        return out
    }

    /// `20240102T030405Z` → seconds since the epoch.
    static func epochSeconds(amzDate: String) -> Int64? {
        let b = Array(amzDate.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z") else { return nil }
        func num(_ r: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in r {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                v = v * 10 + Int64(b[i] - 0x30)
            }
            return v
        }
        guard let y = num(0..<4), let m = num(4..<6), let d = num(6..<8), let hh = num(9..<11), let mm = num(11..<13),
              let ss = num(13..<15), (1...12).contains(m), (1...31).contains(d), hh < 24, mm < 60, ss < 61
        else { return nil }
        // Days from civil (Howard Hinnant).
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return days * 86_400 + hh * 3600 + mm * 60 + ss
    }
}
