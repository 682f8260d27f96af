@testable import BoxCore
import BoxCrypto
import Foundation
import Testing

/// One case of Tests/Fixtures/sigv4/sigv4-vectors.json (made by make_vectors.py with botocore).
struct SigV4Vector: CustomTestStringConvertible, Sendable {
    let name: String, service: String, region: String, accessKeyID: String, secret: String, amzDate: String
    let epochSeconds: Int64, method: String, path: String, query: String
    let headers: [(name: String, value: String)]
    let body: [UInt8], canonicalRequest: String, stringToSign: String, authorization: String

    var testDescription: String { name }

    /// The request exactly as the client put it on the wire (the AWS suite cases list their Authorization
    /// header apart).
    var request: SigV4Request {
        var fields = headers
        if !fields.contains(where: { $0.name.lowercased() == "authorization" }) {
            fields.append(("Authorization", authorization))
        }
        return SigV4Request(method: method, path: path, query: query.isEmpty ? nil : query, headers: fields, body: body)
    }

    /// The names botocore signed.
    var signedHeaderNames: [String] {
        let part = authorization.components(separatedBy: "SignedHeaders=")[1].components(separatedBy: ",")[0]
        return part.components(separatedBy: ";")
    }

    static let all: [SigV4Vector] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/sigv4/sigv4-vectors.json")
        guard let data = try? Data(contentsOf: url), let json = try? JSONValue(parsing: Array(data)),
            let cases = json["cases"]?.arrayValue
        else { return [] }
        return cases.map { c in
            SigV4Vector(
                name: c["name"]!.stringValue!, service: c["service"]!.stringValue!, region: c["region"]!.stringValue!,
                accessKeyID: c["accessKeyId"]!.stringValue!, secret: c["secretAccessKey"]!.stringValue!,
                amzDate: c["amzDate"]!.stringValue!, epochSeconds: Int64(c["epochSeconds"]!.intValue!),
                method: c["method"]!.stringValue!, path: c["path"]!.stringValue!, query: c["query"]!.stringValue!,
                headers: c["headers"]!.arrayValue!.map { ($0[0]!.stringValue!, $0[1]!.stringValue!) },
                body: Base64.decode(c["bodyBase64"]!.stringValue!)!,
                canonicalRequest: c["canonicalRequest"]!.stringValue!,
                stringToSign: c["stringToSign"]!.stringValue!, authorization: c["authorization"]!.stringValue!)
        }
    }()

    static func named(_ name: String) -> SigV4Vector { all.first { $0.name == name }! }
}

@Test func vectorsAreLoaded() {
    // Guards the argument lists below: an unreadable fixture must fail, not run zero cases.
    #expect(SigV4Vector.all.count >= 17)
}

@Test(arguments: SigV4Vector.all)
func canonicalRequestMatchesBotocore(vector: SigV4Vector) {
    let r = vector.request
    let declared = r.values(for: "x-amz-content-sha256").first
    let headers = SigV4.canonicalHeaders(r.headers, signed: vector.signedHeaderNames)
    #expect(headers.missing == nil)
    let canonical = SigV4.canonicalRequest(
        method: r.method, canonicalURI: SigV4.canonicalURI(path: r.path, service: vector.service),
        canonicalQuery: SigV4.canonicalQuery(r.query), canonicalHeaders: headers.text,
        signedHeaders: vector.signedHeaderNames.joined(separator: ";"),
        payloadHash: declared ?? Hex.encode(SHA256.hash(r.body)))
    #expect(canonical == vector.canonicalRequest)
}

@Test(arguments: SigV4Vector.all)
func verifierAcceptsWhatBotocoreSent(vector: SigV4Vector) throws {
    let verifier = SigV4Verifier(credentials: [vector.accessKeyID: vector.secret], service: vector.service)
    let identity = try verifier.verify(vector.request, now: vector.epochSeconds + 120)
    #expect(identity.accessKeyID == vector.accessKeyID)
    #expect(identity.region == vector.region)
    #expect(identity.signedAtEpochSeconds == vector.epochSeconds)
}

@Test(arguments: SigV4Vector.all)
func signerProducesBotocoresAuthorization(vector: SigV4Vector) {
    // Give the signer the headers botocore signed, minus those the signer sets itself.
    let own: Set<String> = ["x-amz-date", "authorization", "x-amz-content-sha256"]
    let keep = Set(vector.signedHeaderNames).subtracting(own)
    var request = vector.request
    request.headers = request.headers.filter { keep.contains($0.name.lowercased()) }
    let signer = SigV4Signer(
        accessKeyID: vector.accessKeyID, secretAccessKey: vector.secret, region: vector.region,
        service: vector.service)
    let added = signer.signatureHeaders(for: request, epochSeconds: vector.epochSeconds)
    #expect(added.first { $0.name == "Authorization" }?.value == vector.authorization)
    #expect(added.first { $0.name == "X-Amz-Date" }?.value == vector.amzDate)
    if vector.service == "s3" {
        #expect(added.first { $0.name == "X-Amz-Content-SHA256" }?.value == Hex.encode(SHA256.hash(vector.body)))
    }
}

/// Signatures published in AWS's SigV4 test suite (aws-sig-v4-test-suite), independent of botocore.
@Test(arguments: [
    ("get-vanilla", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
    ("get-vanilla-query-order-key-case", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
    ("post-vanilla", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
])
func awsPublishedSuiteSignatures(name: String, signature: String) throws {
    let vector = SigV4Vector.named(name)
    var request = vector.request
    request.headers = request.headers.filter { $0.name.lowercased() == "host" }
    let signer = SigV4Signer(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        region: "us-east-1", service: "service")
    let signed = signer.signed(request, epochSeconds: 1_440_938_160)
    #expect(signed.values(for: "Authorization").first?.hasSuffix("Signature=" + signature) == true)
    let verifier = SigV4Verifier(
        credentials: ["AKIDEXAMPLE": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"],
        service: "service")
    #expect(try verifier.verify(signed, now: 1_440_938_160).accessKeyID == "AKIDEXAMPLE")
}

@Test func lambdaCanonicalURIIsDoubleEncodedAndS3sIsNot() {
    #expect(
        SigV4.canonicalURI(path: "/2015-03-31/functions/my-func%3A%24LATEST/invocations", service: "lambda")
            == "/2015-03-31/functions/my-func%253A%2524LATEST/invocations")
    #expect(SigV4.canonicalURI(path: "/b/a%20b%2Bc.txt", service: "s3") == "/b/a%20b%2Bc.txt")
    #expect(SigV4.canonicalURI(path: "/a/./b/../c//d/", service: "lambda") == "/a/c/d/")
    #expect(SigV4.canonicalURI(path: "", service: "lambda") == "/")
    #expect(SigV4.canonicalQuery("b=2&a=1&a=0&c&d=x+y%2fz") == "a=0&a=1&b=2&c=&d=x%2By%2Fz")
}
