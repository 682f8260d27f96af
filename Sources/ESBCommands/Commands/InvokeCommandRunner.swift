import BoxCore
import Foundation
import HTTP1
import Reactor
import TLS

/// `esb invoke` options (docs/cli.md).
public struct InvokeRequest: Sendable {
    /// The function's name (or ARN, or `NAME:$LATEST`).
    public var function: String
    /// `--event FILE`, `-` for stdin, nil for `{}`.
    public var event: String?
    /// `--type`: RequestResponse, Event or DryRun.
    public var invocationType = "RequestResponse"
    /// `--endpoint URL` (default `ESB_ENDPOINT`, else https://localhost).
    public var endpoint: String?
    /// `--insecure`: do not verify the gateway's certificate (the box's self-signed one).
    public var insecure = false
    /// `--ca-file`: trust this certificate (default `AWS_CA_BUNDLE`).
    public var caFile: String?
    /// Where `.env` is read from.
    public var envFile: String? = ".env"

    public init(function: String) {
        self.function = function
    }
}

/// Runs `esb invoke`: one call of the box's Lambda Invoke API, SigV4-signed (service `lambda`) with
/// `INVOKE_ACCESS_KEY_ID` / `INVOKE_SECRET_ACCESS_KEY` as boto3 would sign it. The payload goes to stdout; the
/// exit code is 1 when the function failed (`X-Amz-Function-Error`) or the call was refused, as `aws lambda
/// invoke` users expect.
public enum InvokeCommandRunner {
    public static func run(
        _ request: InvokeRequest, environment: BoxEnvironment? = nil, stdin: (() -> [UInt8])? = nil,
        console: ConsoleOutput = .standard
    ) async -> Int32 {
        let stdin = stdin ?? { Array(FileHandle.standardInput.readDataToEndOfFile()) }
        return await console.exitCode {
            try await runOrThrow(
                request, environment: environment ?? BoxEnvironment(envFile: request.envFile), stdin: stdin,
                console: console)
        }
    }

    private static func runOrThrow(
        _ request: InvokeRequest, environment env: BoxEnvironment, stdin: () -> [UInt8], console: ConsoleOutput
    ) async throws -> Int32 {
        guard ["RequestResponse", "Event", "DryRun"].contains(request.invocationType) else {
            throw CommandError("--type \(request.invocationType): use RequestResponse, Event or DryRun")
        }
        let url = request.endpoint ?? env["ESB_ENDPOINT"] ?? "https://localhost"
        guard let endpoint = HTTPEndpoint.parse(url) else {
            throw CommandError("--endpoint \(url) is not an http:// or https:// URL")
        }
        guard let key = env["INVOKE_ACCESS_KEY_ID"], let secret = env["INVOKE_SECRET_ACCESS_KEY"] else {
            throw CommandError(
                "INVOKE_ACCESS_KEY_ID and INVOKE_SECRET_ACCESS_KEY must be set (in the environment or in .env beside the compose file)"
            )
        }
        let body = try eventBody(request.event, stdin: stdin)
        let tls: TLSClientContext?
        do {
            tls =
                endpoint.useTLS
                ? try TLSClientContext(caFile: request.caFile ?? env["AWS_CA_BUNDLE"], verify: !request.insecure) : nil
        } catch {
            throw CommandError("TLS client context: \(error)")
        }
        let http = HTTPClient(maxIdlePerEndpoint: 1, tls: tls)
        defer { http.closeIdleConnections() }
        let client = SignedAWSClient(
            http: http, endpoint: endpoint,
            signer: SigV4Signer(accessKeyID: key, secretAccessKey: secret, region: env.region, service: "lambda"),
            timeout: .seconds(930), label: url)
        let response: HTTPResponse
        do {
            response = try await client.send(
                method: "POST", path: "/2015-03-31/functions/\(percentEncoded(request.function))/invocations",
                headers: [("Content-Type", "application/json"), ("X-Amz-Invocation-Type", request.invocationType)],
                body: body)
        } catch {
            let hint =
                endpoint.useTLS && !request.insecure
                ? " (the box's own certificate: --ca-file config/ssl/server.crt, or --insecure)" : ""
            throw CommandError("\(error)\(hint)")
        }
        let payload = String(decoding: response.body, as: UTF8.self)
        switch response.status {
        case 200:
            console.out(payload)
            if let error = response.headers["X-Amz-Function-Error"] {
                console.err("error: the function failed (X-Amz-Function-Error: \(error))")
                return 1
            }
            return 0
        case 202:
            console.err("accepted: the event is queued (202)")
            return 0
        case 204:
            console.err("dry run: the call would be accepted (204)")
            return 0
        default:
            let type = response.headers["x-amzn-ErrorType"].map { " \($0)" } ?? ""
            console.err("error: HTTP \(response.status)\(type): \(payload)")
            return 1
        }
    }

    /// The event: a file, stdin (`-`), or `{}`. It must be JSON, as the Invoke API's callers send.
    static func eventBody(_ source: String?, stdin: () -> [UInt8]) throws -> [UInt8] {
        let bytes: [UInt8]
        switch source {
        case nil: return Array("{}".utf8)
        case "-": bytes = stdin()
        case let path?:
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandError("--event \(path): cannot read the file")
            }
            bytes = Array(data)
        }
        guard (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil else {
            throw CommandError("--event \(source ?? ""): not JSON")
        }
        return bytes
    }

    /// The function name as a path segment: everything but unreserved characters percent-encoded (`:` → `%3A`,
    /// `$` → `%24`), as botocore sends it.
    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
}
