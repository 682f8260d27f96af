import BoxCore
import Foundation
import HTTP1
import Reactor
import SAMGenerator
import TLS
import YAML

public struct ProvisionRequest: Sendable {
    /// `--config DIR`: the folder `esb generate` wrote.
    public var directory: String
    /// The environment to read endpoints and credentials from (nil: the process environment).
    public var environment: [String: String]?

    public init(directory: String, environment: [String: String]? = nil) {
        self.directory = directory
        self.environment = environment
    }
}

/// Runs `esb provision`: every table of `DIR/resources.yml` through DynamoDB's `CreateTable` at
/// `DYNAMODB_ENDPOINT`, every bucket through S3's `CreateBucket` (path style) at `S3_ENDPOINT`, signed with
/// SigV4. What already exists (`ResourceInUseException`, `BucketAlreadyOwnedByYou`) counts as done, so a
/// second run changes nothing. One line per resource; exit 1 when any failed.
public enum ProvisionCommandRunner {
    public static func run(_ request: ProvisionRequest, console: ConsoleOutput = .standard) async -> Int32 {
        await console.exitCode { try await runOrThrow(request, console: console) }
    }

    private static func runOrThrow(_ request: ProvisionRequest, console: ConsoleOutput) async throws -> Int32 {
        let shown = request.directory + "/resources.yml"
        let text = try GenerateCommandRunner.readText(
            shown, absolute: LocalFileSystem.absolute(request.directory) + "/resources.yml")
        let resources = try ResourcesFile.parse(text, path: shown)
        let env = try ProvisionEnvironment(
            request.environment ?? ProcessInfo.processInfo.environment, needTables: !resources.tables.isEmpty,
            needBuckets: !resources.buckets.isEmpty)
        let tls: TLSClientContext?
        do {
            tls = try TLSClientContext(caFile: env.caFile, verify: true)
        } catch {
            throw CommandError("TLS client context: \(error)")
        }
        let http = HTTPClient(maxIdlePerEndpoint: 2, tls: tls)
        var failures = 0
        func provision(_ what: String, _ create: () async throws -> String) async {
            do {
                console.out("\(what): \(try await create())")
            } catch {
                console.out("\(what): FAILED: \(error)")
                failures += 1
            }
        }
        if let endpoint = env.dynamoDB {
            let client = SignedAWSClient(http: http, endpoint: endpoint, signer: env.signer("dynamodb"))
            for table in resources.tables {
                await provision("table \(table.name)") { try await createTable(table, client) }
            }
        }
        if let endpoint = env.s3 {
            let client = SignedAWSClient(http: http, endpoint: endpoint, signer: env.signer("s3"))
            for bucket in resources.buckets {
                await provision("bucket \(bucket)") { try await createBucket(bucket, region: env.region, client) }
            }
        }
        http.closeIdleConnections()
        let total = resources.tables.count + resources.buckets.count
        guard failures == 0 else {
            console.err("error: \(failures) of \(total) resource(s) failed")
            return 1
        }
        console.out("provisioned \(resources.tables.count) table(s) and \(resources.buckets.count) bucket(s)")
        return 0
    }

    /// `created`, or `already exists` for `ResourceInUseException`.
    static func createTable(_ table: TableSpec, _ client: SignedAWSClient) async throws -> String {
        let response = try await client.send(
            method: "POST", path: "/",
            headers: [
                ("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "DynamoDB_20120810.CreateTable"),
            ],
            body: CreateTableRequest.body(table))
        if response.status == 200 { return "created" }
        let json = try? JSONValue(parsing: response.body)
        let type = json?["__type"]?.stringValue ?? ""
        if type.hasSuffix("ResourceInUseException") { return "already exists" }
        let message =
            json?["message"]?.stringValue ?? json?["Message"]?.stringValue
            ?? String(decoding: response.body.prefix(300), as: UTF8.self)
        throw CommandError(
            "HTTP \(response.status) \(type.split(separator: "#").last.map(String.init) ?? ""): \(message)")
    }

    /// `created`, or `already exists` for `BucketAlreadyOwnedByYou`.
    static func createBucket(_ bucket: String, region: String, _ client: SignedAWSClient) async throws -> String {
        // us-east-1 is S3's default region and must not be named as a location constraint.
        let body =
            region == "us-east-1"
            ? []
            : Array(
                ("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>\(region)"
                    + "</LocationConstraint></CreateBucketConfiguration>").utf8)
        let headers: [(name: String, value: String)] = body.isEmpty ? [] : [("Content-Type", "application/xml")]
        let response = try await client.send(method: "PUT", path: "/" + bucket, headers: headers, body: body)
        if response.status == 200 { return "created" }
        let text = String(decoding: response.body, as: UTF8.self)
        let code = xmlElement("Code", in: text) ?? ""
        if code == "BucketAlreadyOwnedByYou" { return "already exists" }
        let message = xmlElement("Message", in: text) ?? String(text.prefix(300))
        throw CommandError("HTTP \(response.status) \(code): \(message)")
    }

    private static func xmlElement(_ name: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(name)>"),
            let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex)
        else {
            return nil
        }
        return String(text[open.upperBound..<close.lowerBound])
    }
}
