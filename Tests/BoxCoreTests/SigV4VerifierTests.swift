import BoxCore
import Testing

let sigv4ARN = SigV4Vector.named("lambda-invoke-arn")

func verifyARNCase(
    _ change: (inout SigV4Request) -> Void, now delta: Int64 = 0,
    credentials: [String: String]? = nil, service: String = "lambda"
) throws(SigV4Error) -> SigV4Identity {
    var request = sigv4ARN.request
    change(&request)
    let verifier = SigV4Verifier(credentials: credentials ?? [sigv4ARN.accessKeyID: sigv4ARN.secret], service: service)
    return try verifier.verify(request, now: sigv4ARN.epochSeconds + delta)
}

func setHeader(_ r: inout SigV4Request, _ name: String, _ value: String?) {
    r.headers.removeAll { $0.name.lowercased() == name.lowercased() }
    if let value { r.headers.append((name, value)) }
}

/// Every way a boto3-signed Invoke request can be spoiled, and the refusal it gets.
enum ARNTamper: String, CaseIterable, Sendable {
    case bodyChanged, pathWithoutFirstEncoding, otherFunction, queryAdded, methodChanged, hostChanged
    case dateChangedASecond, signatureAltered, noAuthorization, bearerToken, unknownKey, noDate, badDate
    case wrongBodyHashHeader, signedHeaderMissing, hostNotSigned, scopeOfAnotherDay, twoAuthorizations
    case shortSignature, noSignedHeaders, shortCredential

    func apply(_ r: inout SigV4Request) {
        let auth = r.values(for: "Authorization").first ?? ""
        switch self {
        case .bodyChanged: r.body = Array("[1]".utf8)
        case .pathWithoutFirstEncoding:
            r.path = "/2015-03-31/functions/arn:aws:lambda:ap-northeast-1:000000000000:function:my-func/invocations"
        case .otherFunction: r.path = "/2015-03-31/functions/other/invocations"
        case .queryAdded: r.query = "Qualifier=1"
        case .methodChanged: r.method = "PUT"
        case .hostChanged: setHeader(&r, "Host", "localhost:9443")
        case .dateChangedASecond: setHeader(&r, "X-Amz-Date", "20261129T040507Z")
        case .signatureAltered:
            setHeader(&r, "Authorization", String(auth.dropLast()) + (auth.hasSuffix("0") ? "1" : "0"))
        case .noAuthorization: setHeader(&r, "Authorization", nil)
        case .bearerToken: setHeader(&r, "Authorization", "Bearer abc")
        case .unknownKey:
            setHeader(&r, "Authorization", auth.replacingOccurrences(of: "AKIAESBTESTKEY000001", with: "AKIAOTHER"))
        case .noDate: setHeader(&r, "X-Amz-Date", nil)
        case .badDate: setHeader(&r, "X-Amz-Date", "2026-11-29T04:05:06Z")
        case .wrongBodyHashHeader: setHeader(&r, "x-amz-content-sha256", String(repeating: "0", count: 64))
        case .signedHeaderMissing:
            setHeader(
                &r, "Authorization", auth.replacingOccurrences(of: "host;x-amz-date", with: "host;x-amz-date;x-custom"))
        case .hostNotSigned:
            setHeader(&r, "Authorization", auth.replacingOccurrences(of: "host;x-amz-date", with: "x-amz-date"))
        case .scopeOfAnotherDay:
            setHeader(&r, "Authorization", auth.replacingOccurrences(of: "/20261129/", with: "/20261128/"))
        case .twoAuthorizations: r.headers.append(("authorization", "AWS4-HMAC-SHA256 x"))
        case .shortSignature: setHeader(&r, "Authorization", String(auth.dropLast(2)))
        case .noSignedHeaders:
            setHeader(
                &r, "Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIAESBTESTKEY000001/20261129/ap-northeast-1/lambda/aws4_request, Signature=00"
            )
        case .shortCredential:
            setHeader(
                &r, "Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIAESBTESTKEY000001/20261129, SignedHeaders=host, Signature=00")
        }
    }

    var expected: SigV4Error {
        switch self {
        case .bodyChanged, .pathWithoutFirstEncoding, .otherFunction, .queryAdded, .methodChanged, .hostChanged,
            .dateChangedASecond, .signatureAltered:
            .signatureMismatch
        case .noAuthorization, .bearerToken: .missingAuthorization
        case .unknownKey: .unknownAccessKey("AKIAOTHER")
        case .noDate, .badDate: .missingDate
        case .wrongBodyHashHeader: .payloadHashMismatch
        case .signedHeaderMissing: .missingSignedHeader("x-custom")
        case .hostNotSigned: .missingSignedHeader("host")
        case .scopeOfAnotherDay: .scopeMismatch("scope date 20261128 is not the X-Amz-Date day")
        case .twoAuthorizations: .malformedAuthorization("more than one Authorization header")
        case .shortSignature: .malformedAuthorization("Signature is not 64 hex digits")
        case .noSignedHeaders: .malformedAuthorization("Credential, SignedHeaders and Signature are required")
        case .shortCredential: .malformedAuthorization("Credential is not AKID/date/region/service/aws4_request")
        }
    }
}

@Test(arguments: ARNTamper.allCases)
func refusals(tamper: ARNTamper) {
    #expect(throws: tamper.expected) { try verifyARNCase(tamper.apply) }
}

@Test func errorTypesAsAWSSDKsExpectThem() {
    #expect(SigV4Error.missingAuthorization.errorType == "UnrecognizedClientException")
    #expect(SigV4Error.unknownAccessKey("x").errorType == "UnrecognizedClientException")
    for e in [
        SigV4Error.signatureMismatch, .clockSkew(901), .malformedAuthorization("x"), .missingDate,
        .payloadHashMismatch, .scopeMismatch("x"), .missingSignedHeader("host"),
    ] {
        #expect(e.errorType == "InvalidSignatureException")
    }
    #expect(SigV4Error.signatureMismatch.message.hasPrefix("The request signature we calculated does not match"))
}

@Test func clockSkewIsFifteenMinutesEitherWay() throws {
    #expect(try verifyARNCase({ _ in }, now: 900).accessKeyID == "AKIAESBTESTKEY000001")
    #expect(try verifyARNCase({ _ in }, now: -900).accessKeyID == "AKIAESBTESTKEY000001")
    #expect(throws: SigV4Error.clockSkew(-901)) { try verifyARNCase({ _ in }, now: 901) }
    #expect(throws: SigV4Error.clockSkew(901)) { try verifyARNCase({ _ in }, now: -901) }
}

@Test func wrongSecretAndWrongServiceAreRefused() {
    #expect(throws: SigV4Error.signatureMismatch) {
        try verifyARNCase({ _ in }, credentials: [sigv4ARN.accessKeyID: "not-the-secret"])
    }
    #expect(throws: SigV4Error.scopeMismatch("service lambda, expected s3")) {
        try verifyARNCase({ _ in }, service: "s3")
    }
    #expect(SigV4Verifier.isSigV4(authorization: sigv4ARN.request.values(for: "Authorization").first))
    #expect(!SigV4Verifier.isSigV4(authorization: "Bearer x") && !SigV4Verifier.isSigV4(authorization: nil))
}

@Test func signerAndVerifierAgreeOnUnsignedPayloadsAndSessionTokens() throws {
    let signer = SigV4Signer(
        accessKeyID: "AKIDLOCAL", secretAccessKey: "s3cr3t", sessionToken: "tok/en=",
        region: "eu-west-1", service: "lambda")
    let request = SigV4Request(
        method: "POST", path: "/2015-03-31/functions/fn%3Aprod/invocations", query: "Qualifier=prod",
        headers: [("Host", "gw:443"), ("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"), ("User-Agent", "test")],
        body: Array("any body".utf8))
    let signed = signer.signed(request, epochSeconds: 1_800_000_000)
    #expect(signed.values(for: "X-Amz-Security-Token") == ["tok/en="])
    #expect(
        signed.values(for: "Authorization")[0].contains(
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"))
    let verifier = SigV4Verifier(credentials: ["AKIDLOCAL": "s3cr3t"])
    let identity = try verifier.verify(signed, now: 1_800_000_000)
    #expect(identity.region == "eu-west-1")
    // The body is not covered with UNSIGNED-PAYLOAD, everything else is.
    var other = signed
    other.body = Array("another body".utf8)
    #expect(throws: Never.self) { try verifier.verify(other, now: 1_800_000_000) }
    other.query = "Qualifier=dev"
    #expect(throws: SigV4Error.signatureMismatch) { try verifier.verify(other, now: 1_800_000_000) }
}
