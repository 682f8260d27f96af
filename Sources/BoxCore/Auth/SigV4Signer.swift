import BoxCrypto

/// Signs outgoing requests with AWS Signature Version 4 (for `esb provision` → S3 and DynamoDB, and any
/// Lambda-API call), producing what botocore produces for the same request: every header given is signed
/// except hop-by-hop ones, `User-Agent` and `Content-Length`; S3 gets `x-amz-content-sha256` and a
/// single-encoded canonical path, other services a double-encoded one.
public struct SigV4Signer: Sendable {
    public var accessKeyID: String
    public var secretAccessKey: String
    /// Session token (`X-Amz-Security-Token`), when the credentials are temporary.
    public var sessionToken: String?
    public var region: String
    /// Service of the credential scope (`s3`, `dynamodb`, `lambda`).
    public var service: String

    public init(
        accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, region: String,
        service: String
    ) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.region = region
        self.service = service
    }

    /// The header fields to add to `request` (which must carry `Host`, exactly as it will be sent):
    /// `X-Amz-Date`, `X-Amz-Security-Token` (with a session token), `X-Amz-Content-SHA256` (S3) and
    /// `Authorization`, signed at `epochSeconds`.
    public func signatureHeaders(for request: SigV4Request, epochSeconds: Int64) -> [(name: String, value: String)] {
        precondition(!request.values(for: "Host").isEmpty, "SigV4 signs the Host header: add it before signing")
        let amzDate = UTCTime(epochMilliseconds: epochSeconds * 1000).amzDate
        let date = String(amzDate.prefix(8))
        let payloadHash = Hex.encode(SHA256.hash(request.body))

        var added: [(name: String, value: String)] = [("X-Amz-Date", amzDate)]
        if let sessionToken { added.append(("X-Amz-Security-Token", sessionToken)) }
        if service == "s3" && request.values(for: "X-Amz-Content-SHA256").isEmpty {
            added.append(("X-Amz-Content-SHA256", payloadHash))
        }
        // Earlier values of the headers we set are replaced, as botocore does on a retry.
        let replaced = Set(added.map { $0.name.lowercased() })
        let headers = request.headers.filter { !replaced.contains($0.name.lowercased()) } + added

        let names = Set(headers.map { $0.name.lowercased() }).subtracting(SigV4.unsignedHeaders).sorted()
        let signedHeaders = names.joined(separator: ";")
        let hash = headers.first { ASCII.equalsIgnoringCase($0.name, "X-Amz-Content-SHA256") }?.value ?? payloadHash
        let canonical = SigV4.canonicalRequest(
            method: request.method, canonicalURI: SigV4.canonicalURI(path: request.path, service: service),
            canonicalQuery: SigV4.canonicalQuery(request.query),
            canonicalHeaders: SigV4.canonicalHeaders(headers, signed: names).text, signedHeaders: signedHeaders,
            payloadHash: hash)
        let scope = "\(date)/\(region)/\(service)/aws4_request"
        let stringToSign = SigV4.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical)
        let key = SigV4.signingKey(secret: secretAccessKey, date: date, region: region, service: service)
        let signature = Hex.encode(HMACSHA256.authenticationCode(key: key, message: stringToSign))
        added.append(
            (
                "Authorization",
                "\(SigV4.algorithm) Credential=\(accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
            ))
        return added
    }

    /// `request` with the signature headers added (earlier `X-Amz-Date` / `Authorization` fields replaced).
    public func signed(_ request: SigV4Request, epochSeconds: Int64) -> SigV4Request {
        let added = signatureHeaders(for: request, epochSeconds: epochSeconds)
        let replaced = Set(added.map { $0.name.lowercased() })
        var out = request
        out.headers = request.headers.filter { !replaced.contains($0.name.lowercased()) } + added
        return out
    }
}
