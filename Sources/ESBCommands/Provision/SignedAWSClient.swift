import BoxCore
import Foundation
import HTTP1
import Reactor

/// Sends SigV4-signed requests to one AWS-compatible endpoint (S3 storage, the DynamoDB API, the box's Invoke
/// API) with the project's HTTP client.
struct SignedAWSClient {
    let http: HTTPClient
    let endpoint: HTTPEndpoint
    let signer: SigV4Signer
    var timeout: Duration = .seconds(30)
    /// Names the endpoint in errors (`esb invoke`: the URL as the user gave it).
    var label: String?

    /// Sends the request; headers get `Host`, `X-Amz-Date`, (S3) `X-Amz-Content-SHA256` and `Authorization`.
    func send(method: String, path: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [])
        async throws -> HTTPResponse
    {
        let all = [(name: "Host", value: endpoint.hostHeader)] + headers
        let epoch = Int64(Date().timeIntervalSince1970)
        let signature = signer.signatureHeaders(
            for: SigV4Request(method: method, path: path, headers: all, body: body), epochSeconds: epoch)
        let request = HTTPRequest(
            method: method, target: path, headers: HTTPHeaders((all + signature).map { ($0.name, $0.value) }),
            body: body)
        do {
            return try await http.execute(request, to: endpoint, timeout: timeout)
        } catch {
            throw CommandError("\(label ?? "\(endpoint)"): \(error)")
        }
    }
}

/// What `esb provision` needs from the environment (docs/contract.md §9).
struct ProvisionEnvironment {
    var dynamoDB: HTTPEndpoint?
    var s3: HTTPEndpoint?
    var accessKeyID: String
    var secretAccessKey: String
    var sessionToken: String?
    var region: String
    var caFile: String?

    init(_ values: [String: String], needTables: Bool, needBuckets: Bool) throws {
        let env = BoxEnvironment(processEnvironment: values, envFile: nil)
        func endpoint(_ name: String, needed: Bool) throws -> HTTPEndpoint? {
            guard let text = env[name] else {
                if needed { throw CommandError("\(name) is not set (for example http://127.0.0.1:8001)") }
                return nil
            }
            guard let parsed = HTTPEndpoint.parse(text), parsed.unixPath == nil else {
                throw CommandError("\(name)=\(text) is not an http:// or https:// URL")
            }
            return parsed
        }
        dynamoDB = try endpoint("DYNAMODB_ENDPOINT", needed: needTables)
        s3 = try endpoint("S3_ENDPOINT", needed: needBuckets)
        guard let key = env["AWS_ACCESS_KEY_ID"], let secret = env["AWS_SECRET_ACCESS_KEY"] else {
            throw CommandError("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set (requests are SigV4-signed)")
        }
        accessKeyID = key
        secretAccessKey = secret
        sessionToken = env["AWS_SESSION_TOKEN"]
        region = env.region
        caFile = env["AWS_CA_BUNDLE"]
    }

    func signer(_ service: String) -> SigV4Signer {
        SigV4Signer(
            accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: sessionToken, region: region,
            service: service)
    }
}
