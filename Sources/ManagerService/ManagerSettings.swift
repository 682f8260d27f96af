import BoxCore
public import Reactor

/// The Manager's environment (docs/contract.md §4.1), parsed and validated once at start-up.
public struct ManagerSettings: Sendable, Equatable {
    /// How the gateway reaches a worker's RIE.
    public enum AddressMode: String, Sendable, Equatable {
        /// The container's IP on `LAMBDA_NETWORK`, port 8080.
        case network
        /// 8080/tcp published on 127.0.0.1 with a random host port (gateway on the host).
        case published
    }

    /// `MANAGER_LISTEN` (`0.0.0.0:8081`).
    public var listen: ListenAddress = .tcp(host: "0.0.0.0", port: 8081)
    /// `METRICS_LISTEN`: the plain-HTTP listener of `GET /metrics` (docs/observability.md); nil = off.
    public var metricsListen: ListenAddress?
    /// `MANAGER_TOKEN`: required for every call but `/health`.
    public var token: String = ""
    /// `DOCKER_HOST` (`unix:///var/run/docker.sock`).
    public var dockerHost: String = "unix:///var/run/docker.sock"
    /// `LAMBDA_NETWORK` (`esb-lambda`).
    public var network: String = "esb-lambda"
    /// `IDLE_TIMEOUT_MINUTES` (5): released and unused this long → stopped and removed.
    public var idleTimeout: Duration = .seconds(300)
    /// `PAUSE_IDLE_SECONDS` (unset = no pause tier).
    public var pauseAfter: Duration?
    /// `WORKER_ADDRESS_MODE` (`network`).
    public var addressMode: AddressMode = .network
    /// `FUNCTIONS_CONFIG_PATH` (`/app/config/functions.yml`).
    public var functionsPath: String = "/app/config/functions.yml"
    /// `CONTAINER_READINESS_TIMEOUT` (30 s).
    public var readinessTimeout: Duration = .seconds(30)
    /// `CONFIG_WATCH_INTERVAL`: how often `functions.yml` is looked at for a change that is then reloaded as SIGHUP
    /// reloads it (docs/configuration.md, "Reload"); 0 turns the watch off.
    public var configWatchInterval: Duration = .seconds(1)
    /// `S3_ENDPOINT`.
    public var s3Endpoint: String?
    /// `DYNAMODB_ENDPOINT`.
    public var dynamoDBEndpoint: String?
    /// `GATEWAY_INTERNAL_URL`: how workers reach the gateway; default the gateway's own (docs/contract.md §3.1), so
    /// that a function's Lambda client (`AWS_ENDPOINT_URL_LAMBDA`) reaches this box and never AWS (docs/manager.md).
    public var gatewayInternalURL: String? = "https://esb-gateway:443"
    /// `VICTORIALOGS_URL`.
    public var victoriaLogsURL: String?
    /// `LOG_LEVEL` (as given; read as swift-log's `Logger.Level`, docs/observability.md).
    public var logLevel: String?
    /// `LEASE_TIMEOUT_SECONDS` (30).
    public var leaseTimeout: Duration = .seconds(30)
    /// `WORKER_ACCESS_KEY_ID`.
    public var workerAccessKeyID: String?
    /// `WORKER_SECRET_ACCESS_KEY`.
    public var workerSecretAccessKey: String?
    /// `CONTAINER_NAME` (the manager's own `container_name` on log lines).
    public var containerName: String?
    /// `AWS_REGION` / `AWS_DEFAULT_REGION` of the manager: the workers' region unless a function sets its own
    /// (`ap-northeast-1`, the generator's default region).
    public var region: String = "ap-northeast-1"
    /// `DOCKER_STOP_TIMEOUT` (seconds Docker waits after SIGTERM before SIGKILL when a worker is stopped; 2).
    public var stopTimeoutSeconds: Int = 2

    /// `ESB_INSTANCE` (unset): when set, workers also carry `esb.instance=<value>` and Adopt & Sync only
    /// touches containers with that label, so several boxes (or test runs) can share one Docker daemon.
    public var instance: String?

    /// `WORKER_LOG_MAX_SIZE` [`10m`] and `WORKER_LOG_MAX_FILE` [3]: every worker logs through Docker's `json-file`
    /// driver rotated at this size and count (docs/deployment.md "Log rotation"); `WORKER_LOG_MAX_SIZE=none`
    /// leaves the daemon's default driver.
    public var workerLogMaxSize: String? = "10m"
    public var workerLogMaxFiles: Int = 3

    /// Defaults everywhere (for tests).
    public init() {}

    /// Reads the environment; every malformed value is reported, one message per variable.
    public init(environment env: [String: String]) throws(ManagerSettingsError) {
        var problems: [String] = []
        func value(_ name: String) -> String? {
            guard let v = env[name]?.trimmingASCIIWhitespace(), !v.isEmpty else { return nil }
            return v
        }
        func seconds(_ name: String, scale: Double = 1, allowZero: Bool = false) -> Duration? {
            guard let text = value(name) else { return nil }
            guard let number = Double(text), number.isFinite, number > 0 || (allowZero && number == 0) else {
                problems.append("\(name)=\(text): expected a positive number")
                return nil
            }
            // At most a year: a huge value would trap converting to a Duration (docs/configuration.md).
            guard number * scale <= 31_536_000 else {
                problems.append("\(name)=\(text): more than a year")
                return nil
            }
            return .milliseconds(Int64((number * scale * 1000).rounded()))
        }
        // The value of `name` as `read` understands it; a value it refuses is a problem (`expected` says why).
        func parsed<T>(_ name: String, _ expected: String, _ read: (String) -> T?) -> T? {
            guard let text = value(name) else { return nil }
            if let parsed = read(text) { return parsed }
            problems.append("\(name)=\(text): \(expected)")
            return nil
        }

        let listenSyntax = "expected host:port or unix:///path"
        if let listen = parsed("MANAGER_LISTEN", listenSyntax, ListenAddress.parse) { self.listen = listen }
        metricsListen = parsed("METRICS_LISTEN", listenSyntax, ListenAddress.parse)
        token = env["MANAGER_TOKEN"] ?? ""
        if let text = value("DOCKER_HOST") { dockerHost = text }
        if let text = value("LAMBDA_NETWORK") { network = text }
        if let d = seconds("IDLE_TIMEOUT_MINUTES", scale: 60) { idleTimeout = d }
        pauseAfter = seconds("PAUSE_IDLE_SECONDS")
        let modes = "expected network or published"
        addressMode = parsed("WORKER_ADDRESS_MODE", modes) { AddressMode(rawValue: $0.lowercased()) } ?? addressMode
        if let text = value("FUNCTIONS_CONFIG_PATH") { functionsPath = text }
        if let d = seconds("CONTAINER_READINESS_TIMEOUT") { readinessTimeout = d }
        if let d = seconds("CONFIG_WATCH_INTERVAL", allowZero: true) { configWatchInterval = d }
        s3Endpoint = value("S3_ENDPOINT")
        dynamoDBEndpoint = value("DYNAMODB_ENDPOINT")
        gatewayInternalURL = value("GATEWAY_INTERNAL_URL") ?? gatewayInternalURL
        victoriaLogsURL = value("VICTORIALOGS_URL")
        logLevel = value("LOG_LEVEL")
        if let d = seconds("LEASE_TIMEOUT_SECONDS") { leaseTimeout = d }
        workerAccessKeyID = value("WORKER_ACCESS_KEY_ID")
        workerSecretAccessKey = value("WORKER_SECRET_ACCESS_KEY")
        containerName = value("CONTAINER_NAME")
        instance = value("ESB_INSTANCE")
        if let r = value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") { region = r }
        let stopSyntax = "expected whole seconds, 0 to 3600"
        stopTimeoutSeconds =
            parsed("DOCKER_STOP_TIMEOUT", stopSyntax) { Int($0).flatMap { (0...3600).contains($0) ? $0 : nil } }
            ?? stopTimeoutSeconds
        // `none` is nil (the daemon's default driver); the double optional keeps it apart from "not set".
        let sizeSyntax = "expected a size such as 10m (k, m, g) or none"
        workerLogMaxSize =
            parsed("WORKER_LOG_MAX_SIZE", sizeSyntax) { Self.logSize($0.lowercased()) } ?? workerLogMaxSize
        let filesSyntax = "expected a whole number of files, at least 1"
        workerLogMaxFiles =
            parsed("WORKER_LOG_MAX_FILE", filesSyntax) { Int($0).flatMap { $0 >= 1 ? $0 : nil } } ?? workerLogMaxFiles
        guard problems.isEmpty else { throw ManagerSettingsError(problems: problems) }
    }
}

extension ManagerSettings {
    /// `WORKER_LOG_MAX_SIZE` in Docker's json-file size syntax (digits with an optional `k`, `m` or `g`);
    /// `.some(nil)` for `none`, nil when malformed.
    static func logSize(_ text: String) -> String?? {
        guard text != "none" else { return .some(nil) }
        var digits = Substring(text)
        if let last = digits.last, "kmg".contains(last) { digits.removeLast() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .none }
        return text
    }
}

/// Malformed Manager environment values, one message each.
public struct ManagerSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `NAME=value: what is wrong`, one per variable.
    public let problems: [String]

    /// One line per problem.
    public var description: String { problems.joined(separator: "\n") }
}
