import BoxCore
import BoxCrypto
import HTTP1
import Testing
@testable import GatewayService

/// SigV4 checks of the Invoke API (BoxCore `SigV4Verifier` + the AWS error mapping) against signatures made by botocore's `SigV4Auth(credentials, "lambda", region)` (the
/// vectors were produced with botocore 1.x on this machine; secret = AWS's documentation example key).
@Suite(.timeLimit(.minutes(5))) struct InvokeSignatureCheckTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var target, body, host, authorization, date, region: String
        var testDescription: String { target }
    }

    static let vectors: [Vector] = [
        Vector(
            target: "/2015-03-31/functions/echo/invocations", body: "{\"q\":1}", host: "127.0.0.1:8443",
            authorization:
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/ap-northeast-1/lambda/aws4_request, SignedHeaders=host;x-amz-date;x-amz-invocation-type, Signature=f033809aed76ba8ecc30ed1112339c11c435e91e3c47226f30290b523d6d41a2",
            date: "20261129T042127Z", region: "ap-northeast-1"),
        Vector(
            target: "/2015-03-31/functions/echo%3A%24LATEST/invocations", body: "", host: "127.0.0.1:8443",
            authorization:
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date;x-amz-invocation-type, Signature=29d62c86e1995f8d07510a5da831d689ebc0b1a51e9905df22db422f5e29a4ed",
            date: "20261129T042127Z", region: "us-east-1"),
        Vector(
            target:
                "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aap-northeast-1%3A000000000000%3Afunction%3Aecho/invocations?Qualifier=%24LATEST",
            body: "{}", host: "127.0.0.1:8443",
            authorization:
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/ap-northeast-1/lambda/aws4_request, SignedHeaders=host;x-amz-date;x-amz-invocation-type, Signature=16c4d9bfa5add5b1d6cffeb5ec287a7b37c572033400255a2b8a9d04039c3356",
            date: "20261129T042127Z", region: "ap-northeast-1"),
    ]

    /// `20261129T042127Z` → epoch seconds (test-side, so the test does not lean on the code under test).
    static func epoch(_ amzDate: String) -> Int64? {
        let d = Array(amzDate.utf8).map { Int64($0) - 48 }
        guard d.count == 16 else { return nil }
        func n(_ r: Range<Int>) -> Int64 { r.reduce(0) { $0 * 10 + d[$1] } }
        let (y, m, day) = (n(0..<4), n(4..<6), n(6..<8))
        let yy = m <= 2 ? y - 1 : y
        let era = yy / 400, yoe = yy - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + day - 1
        let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
        return days * 86_400 + n(9..<11) * 3600 + n(11..<13) * 60 + n(13..<15)
    }

    static func check(
        now: Int64, accessKey: String = "AKIDEXAMPLE", secret: String = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    ) throws -> InvokeSignatureCheck {
        let env = try GatewayEnvironment.parse(["INVOKE_ACCESS_KEY_ID": accessKey, "INVOKE_SECRET_ACCESS_KEY": secret])
        return InvokeSignatureCheck(environment: env, now: { now })
    }

    static func request(_ v: Vector, body: String? = nil, target: String? = nil) -> HTTPRequest {
        HTTPRequest(
            method: "POST", target: target ?? v.target,
            headers: [
                "Host": v.host, "X-Amz-Date": v.date, "X-Amz-Invocation-Type": "RequestResponse",
                "Authorization": v.authorization,
            ],
            body: Array((body ?? v.body).utf8))
    }

    @Test(arguments: vectors)
    func botocoreSignaturesVerify(v: Vector) throws {
        let now = try #require(Self.epoch(v.date))
        #expect(try Self.check(now: now + 60).verify(Self.request(v)) == v.region)
    }

    @Test(arguments: vectors)
    func tamperingIsInvalidSignature(v: Vector) throws {
        let now = try #require(Self.epoch(v.date))
        let check = try Self.check(now: now)
        let mismatch = InvokeSignatureCheck.error(for: .signatureMismatch)
        #expect(throws: mismatch) { try check.verify(Self.request(v, body: v.body + " ")) }
        #expect(throws: mismatch) {
            try check.verify(Self.request(v, target: "/2015-03-31/functions/other/invocations"))
        }
        #expect(throws: mismatch) {
            try Self.check(now: now, secret: "another-secret").verify(Self.request(v))
        }
    }

    @Test(arguments: vectors)
    func unknownKeyIsUnrecognizedClient(v: Vector) throws {
        let now = try #require(Self.epoch(v.date))
        #expect(throws: InvokeSignatureCheck.error(for: .unknownAccessKey(""))) {
            try Self.check(now: now, accessKey: "AKIDOTHER").verify(Self.request(v))
        }
    }

    @Test func skewOverFifteenMinutesIsRefused() throws {
        let v = Self.vectors[0]
        let signed = try #require(Self.epoch(v.date))
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
}
