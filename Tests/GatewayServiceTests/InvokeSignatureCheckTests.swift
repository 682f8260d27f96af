import Crypto
import HTTP1
import Testing
@testable import GatewayService

/// SigV4 verification against signatures made by botocore's `SigV4Auth(credentials, "lambda", region)` (the
/// vectors were produced with botocore 1.x on this machine; secret = AWS's documentation example key).
@Suite struct InvokeSignatureCheckTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var target, body, host, authorization, date, region: String
        var testDescription: String { target }
    }

    static let vectors: [Vector] = [
        Vector(target: "/2015-03-31/functions/echo/invocations", body: "{\"q\":1}", host: "127.0.0.1:8443", authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/ap-northeast-1/lambda/aws4_request, SignedHeaders=host;x-amz-date;x-amz-invocation-type, Signature=f033809aed76ba8ecc30ed1112339c11c435e91e3c47226f30290b523d6d41a2", date: "20261129T042127Z", region: "ap-northeast-1"),
        Vector(target: "/2015-03-31/functions/echo%3A%24LATEST/invocations", body: "", host: "127.0.0.1:8443", authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date;x-amz-invocation-type, Signature=29d62c86e1995f8d07510a5da831d689ebc0b1a51e9905df22db422f5e29a4ed", date: "20261129T042127Z", region: "us-east-1"),
        Vector(target: "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aap-northeast-1%3A000000000000%3Afunction%3Aecho/invocations?Qualifier=%24LATEST", body: "{}", host: "127.0.0.1:8443", authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/ap-northeast-1/lambda/aws4_request, SignedHeaders=host;x-amz-date;x-amz-invocation-type, Signature=16c4d9bfa5add5b1d6cffeb5ec287a7b37c572033400255a2b8a9d04039c3356", date: "20261129T042127Z", region: "ap-northeast-1"),
    ]

    static func check(now: Int64, accessKey: String = "AKIDEXAMPLE", secret: String = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY") throws -> InvokeSignatureCheck {
        let env = try GatewayEnvironment.parse(["INVOKE_ACCESS_KEY_ID": accessKey, "INVOKE_SECRET_ACCESS_KEY": secret])
        return InvokeSignatureCheck(environment: env, now: { now })
    }

    static func request(_ v: Vector, body: String? = nil, target: String? = nil) -> HTTPRequest {
        HTTPRequest(
            method: "POST", target: target ?? v.target,
            headers: ["Host": v.host, "X-Amz-Date": v.date, "X-Amz-Invocation-Type": "RequestResponse", "Authorization": v.authorization],
            body: Array((body ?? v.body).utf8))
    }

    @Test(arguments: vectors)
    func botocoreSignaturesVerify(v: Vector) throws {
        let now = try #require(InvokeSignatureCheck.epochSeconds(amzDate: v.date))
        #expect(try Self.check(now: now + 60).verify(Self.request(v)) == v.region)
    }

    @Test(arguments: vectors)
    func tamperingIsInvalidSignature(v: Vector) throws {
        let now = try #require(InvokeSignatureCheck.epochSeconds(amzDate: v.date))
        let check = try Self.check(now: now)
        #expect(throws: InvokeSignatureCheck.mismatch) { try check.verify(Self.request(v, body: v.body + " ")) }
        #expect(throws: InvokeSignatureCheck.mismatch) {
            try check.verify(Self.request(v, target: "/2015-03-31/functions/other/invocations"))
        }
        #expect(throws: InvokeSignatureCheck.mismatch) {
            try Self.check(now: now, secret: "another-secret").verify(Self.request(v))
        }
    }

    @Test(arguments: vectors)
    func unknownKeyIsUnrecognizedClient(v: Vector) throws {
        let now = try #require(InvokeSignatureCheck.epochSeconds(amzDate: v.date))
        #expect(throws: InvokeSignatureCheck.unrecognized) { try Self.check(now: now, accessKey: "AKIDOTHER").verify(Self.request(v)) }
    }

    @Test func skewOverFifteenMinutesIsRefused() throws {
        let v = Self.vectors[0]
        let signed = try #require(InvokeSignatureCheck.epochSeconds(amzDate: v.date))
        #expect(try Self.check(now: signed + 14 * 60).verify(Self.request(v)) == v.region)
        #expect(try Self.check(now: signed - 14 * 60).verify(Self.request(v)) == v.region)
        for now in [signed + 16 * 60, signed - 16 * 60] {
            do {
                _ = try Self.check(now: now).verify(Self.request(v))
                Issue.record("accepted a signature \(now - signed) s off")
            } catch let error as GatewayError {
                #expect(error.status == 403)
                #expect(error.response.headers["x-amzn-ErrorType"] == "InvalidSignatureException")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test(arguments: [("20260102T030405Z", 1767323045 as Int64?), ("19700101T000000Z", 0), ("20240229T235959Z", 1709251199),
                      ("2024-02-29", nil), ("20241301T000000Z", nil)])
    func amzDates(text: String, epoch: Int64?) {
        #expect(InvokeSignatureCheck.epochSeconds(amzDate: text) == epoch)
    }

    @Test func canonicalUriIsEncodedTwiceLikeBotocore() {
        #expect(InvokeSignatureCheck.uriEncode("/2015-03-31/functions/f%3A%24LATEST/invocations", keepSlash: true)
            == "/2015-03-31/functions/f%253A%2524LATEST/invocations")
        #expect(InvokeSignatureCheck.canonicalQuery("b=2&a=%24LATEST&a=1") == "a=%24LATEST&a=1&b=2")
    }
}
