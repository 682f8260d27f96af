import BoxCrypto

/// Checks AWS Signature Version 4 on incoming requests (docs/contract.md §3.6), as AWS services do for requests signed by
/// any AWS SDK: header-based `AWS4-HMAC-SHA256` authorization, credential scope `<date>/<region>/<service>/
/// aws4_request` (any region; the service must be this verifier's), `X-Amz-Date` within the clock skew, `host`
/// signed, payload hash from `x-amz-content-sha256` (also `UNSIGNED-PAYLOAD`) or else SHA-256 of the body.
/// Presigned URLs (query-string auth) are not accepted.
public struct SigV4Verifier: Sendable {
    /// Access key id → secret access key.
    public var credentials: [String: String]
    /// The service name expected in the credential scope (`lambda`); `s3` switches to S3's path rules.
    public var service: String
    /// Largest accepted distance between `X-Amz-Date` and the server clock (AWS: 15 minutes).
    public var maxClockSkewSeconds: Int64

    public init(credentials: [String: String], service: String = "lambda", maxClockSkewSeconds: Int64 = 900) {
        self.credentials = credentials
        self.service = service
        self.maxClockSkewSeconds = maxClockSkewSeconds
    }

    /// True when an `Authorization` value claims SigV4 (so the gateway tries SigV4 rather than a Bearer token).
    public static func isSigV4(authorization: String?) -> Bool {
        authorization?.hasPrefix(SigV4.algorithm + " ") ?? false
    }

    /// Checks what a request's head alone can tell — the Authorization header's form, a known access key, the
    /// date within the skew, the credential scope — so an unauthenticated upload is refused before its body is
    /// read (docs/events-and-auth.md). `verify` still checks the signature over the whole request.
    public func verifyHead(_ request: SigV4Request, now: Int64) throws(SigV4Error) {
        _ = try checkHead(request, now: now)
    }

    /// Verifies `request` at server time `now` (epoch seconds) and returns who signed it.
    public func verify(_ request: SigV4Request, now: Int64) throws(SigV4Error) -> SigV4Identity {
        let (parsed, secret, amzDate, signedAt) = try checkHead(request, now: now)

        let claimed = request.values(for: "x-amz-content-sha256").first
        if let claimed, claimed != SigV4.unsignedPayload {
            // A signed but false body hash would let a captured signature carry another body.
            guard claimed.utf8.count == 64, Hex.decode(claimed) == SHA256.hash(request.body) else {
                throw .payloadHashMismatch
            }
        }
        let payloadHash = claimed ?? Hex.encode(SHA256.hash(request.body))

        let headers = SigV4.canonicalHeaders(request.headers, signed: parsed.signedHeaders)
        if let missing = headers.missing { throw .missingSignedHeader(missing) }
        let canonical = SigV4.canonicalRequest(
            method: request.method, canonicalURI: SigV4.canonicalURI(path: request.path, service: service),
            canonicalQuery: SigV4.canonicalQuery(request.query), canonicalHeaders: headers.text,
            signedHeaders: parsed.signedHeadersText, payloadHash: payloadHash)
        let scope = "\(parsed.date)/\(parsed.region)/\(parsed.service)/\(parsed.terminator)"
        let stringToSign = SigV4.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical)
        let key = SigV4.signingKey(secret: secret, date: parsed.date, region: parsed.region, service: parsed.service)
        let expected = HMACSHA256.authenticationCode(key: key, message: stringToSign)
        guard constantTimeEquals(expected, parsed.signature) else { throw .signatureMismatch }
        return SigV4Identity(
            accessKeyID: parsed.accessKeyID, region: parsed.region, service: parsed.service,
            signedAtEpochSeconds: signedAt)
    }

    private func checkHead(
        _ request: SigV4Request, now: Int64
    ) throws(SigV4Error) -> (parsed: SigV4Authorization, secret: String, amzDate: String, signedAt: Int64) {
        let authorizations = request.values(for: "Authorization")
        guard let authorization = authorizations.first, Self.isSigV4(authorization: authorization) else {
            throw .missingAuthorization
        }
        guard authorizations.count == 1 else { throw .malformedAuthorization("more than one Authorization header") }
        let parsed = try SigV4Authorization(parsing: authorization)

        guard let secret = credentials[parsed.accessKeyID] else { throw .unknownAccessKey(parsed.accessKeyID) }

        let dates = request.values(for: "X-Amz-Date")
        guard dates.count == 1, let signedAt = SigV4.parseAmzDate(dates[0]) else { throw .missingDate }
        let amzDate = dates[0]
        let skew = signedAt - now
        guard abs(skew) <= maxClockSkewSeconds else { throw .clockSkew(skew) }

        guard parsed.date == String(amzDate.prefix(8)) else {
            throw .scopeMismatch("scope date \(parsed.date) is not the X-Amz-Date day")
        }
        guard parsed.service == service else { throw .scopeMismatch("service \(parsed.service), expected \(service)") }
        guard parsed.terminator == "aws4_request" else { throw .scopeMismatch("terminator \(parsed.terminator)") }
        guard parsed.signedHeaders.contains("host") else { throw .missingSignedHeader("host") }
        return (parsed, secret, amzDate, signedAt)
    }
}

/// The fields of `AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/lambda/aws4_request,
/// SignedHeaders=host;x-amz-date, Signature=<64 hex>`.
struct SigV4Authorization {
    var accessKeyID = ""
    var date = ""
    var region = ""
    var service = ""
    var terminator = ""
    var signedHeadersText = ""
    var signedHeaders: [String] = []
    var signature: [UInt8] = []

    init(parsing header: String) throws(SigV4Error) {
        // Byte-level parsing: Character-based trimming of this header cost ~10x the whole HMAC chain.
        let bytes = Array(header.utf8.dropFirst(SigV4.algorithm.utf8.count))
        var credential: String?, signedHeaders: String?, signature: String?
        for part in bytes.split(separator: UInt8(ascii: ",")) {
            let item = Self.trimmed(part)
            guard let eq = item.firstIndex(of: UInt8(ascii: "=")) else {
                throw .malformedAuthorization("'\(String(decoding: item, as: UTF8.self))' is not name=value")
            }
            let name = String(decoding: item[..<eq], as: UTF8.self)
            let value = String(decoding: Self.trimmed(item[(eq + 1)...]), as: UTF8.self)
            switch name {
            case "Credential": credential = value
            case "SignedHeaders": signedHeaders = value
            case "Signature": signature = value
            default: throw .malformedAuthorization("unknown field \(name)")
            }
        }
        guard let credential, let signedHeaders, let signature else {
            throw .malformedAuthorization("Credential, SignedHeaders and Signature are required")
        }
        // The access key id may not contain '/', so the last four parts are the scope.
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts.allSatisfy({ !$0.isEmpty }) else {
            throw .malformedAuthorization("Credential is not AKID/date/region/service/aws4_request")
        }
        accessKeyID = String(parts[0])
        date = String(parts[1])
        region = String(parts[2])
        service = String(parts[3])
        terminator = String(parts[4])
        signedHeadersText = signedHeaders
        self.signedHeaders = signedHeaders.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard !self.signedHeaders.isEmpty, self.signedHeaders.allSatisfy({ !$0.isEmpty && $0 == $0.lowercased() })
        else { throw .malformedAuthorization("SignedHeaders must be lower-case names separated by ';'") }
        guard signature.utf8.count == 64, let bytes = Hex.decode(signature) else {
            throw .malformedAuthorization("Signature is not 64 hex digits")
        }
        self.signature = bytes
    }

    static func trimmed(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard let first = s.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
            let last = s.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })
        else { return s[s.endIndex...] }
        return s[first...last]
    }
}
