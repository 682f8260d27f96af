import BoxCore

/// The gateway's settings read from its process environment (docs/contract.md §3.1 and the §3.10 limits).
///
/// Parsing is pure: `parse(_:)` takes the environment as a dictionary so tests pass their own. Secrets are
/// kept as given here; `SecretsPolicy` decides whether they are acceptable.
public struct GatewayEnvironment: Sendable {
    /// `GATEWAY_LISTEN`: the HTTPS listen address, `host:port`.
    public var listen: String = "0.0.0.0:443"
    /// `TLS_CERT_PATH`: PEM certificate chain.
    public var tlsCertPath: String = "/app/config/ssl/server.crt"
    /// `TLS_KEY_PATH`: PEM private key.
    public var tlsKeyPath: String = "/app/config/ssl/server.key"
    /// `TLS_SUBJECT_ALT_NAMES`: extra DNS names and IP addresses of the self-signed certificate (besides
    /// localhost and 127.0.0.1), e.g. the gateway's service name and the host's names (docs/deployment.md).
    public var tlsSubjectAltNames: [String] = []
    /// `JWT_SECRET_KEY` as given (nil when unset or empty).
    public var jwtSecretKey: String?
    /// `JWT_EXPIRES_DELTA`: token lifetime in seconds.
    public var jwtExpiresDelta: Int = 3000
    /// `X_API_KEY`: the static key of the login endpoint.
    public var apiKey: String?
    /// `AUTH_USER`: the login user.
    public var authUser: String?
    /// `AUTH_PASS`: the login password.
    public var authPass: String?
    /// `AUTH_ENDPOINT_PATH`: the login path (`/user/auth/v1` is served as well).
    public var authEndpointPath: String = "/user/auth/ver1.0"
    /// `MANAGER_URL`: `http://host:port` or `unix:///path`.
    public var managerURL: String = "http://esb-manager:8081"
    /// `MANAGER_TOKEN`: shared secret sent to the Manager as `X-ESB-Token`.
    public var managerToken: String?
    /// `CONTAINER_CACHE_TTL`: how long an unused worker stays leased (§3.7).
    public var containerCacheTTL: Duration = .seconds(30)
    /// `POOL_ACQUIRE_TIMEOUT`: how long a request may wait for a worker before 429.
    public var poolAcquireTimeout: Duration = .seconds(10)
    /// `FUNCTIONS_CONFIG_PATH`.
    public var functionsConfigPath: String = "/app/config/functions.yml"
    /// `ROUTING_CONFIG_PATH`.
    public var routingConfigPath: String = "/app/config/routing.yml"
    /// `GATEWAY_INTERNAL_URL`: how workers reach the gateway (informational here; the Manager injects it).
    public var gatewayInternalURL: String = "https://esb-gateway:443"
    /// `LOG_LEVEL`: `DEBUG`, `INFO`, `WARNING` or `ERROR`.
    public var logLevel: String = "INFO"
    /// `VICTORIALOGS_URL`: when set, log lines are shipped there as well.
    public var victoriaLogsURL: String?
    /// `INVOKE_ACCESS_KEY_ID`: the access key the Invoke API accepts in SigV4.
    public var invokeAccessKeyID: String?
    /// `INVOKE_SECRET_ACCESS_KEY`: its secret.
    public var invokeSecretAccessKey: String?
    /// `METRICS_LISTEN`: `host:port` of the plain-HTTP metrics listener; nil = off.
    public var metricsListen: String?
    /// `TRUSTED_PROXIES`: peers whose `X-Forwarded-For` is believed.
    public var trustedProxies: [IPAddressRange] = []
    /// `BINARY_MEDIA_TYPES`: media types always passed to functions as base64 (`image/*` allowed).
    public var binaryMediaTypes: [String] = []
    /// `ESB_ENV=production` refuses development secrets.
    public var isProduction: Bool = false
    /// `CONTAINER_NAME`: written as `container_name` on every log line (default: the host name).
    public var containerName: String = "esb-gateway"
    /// `AWS_REGION` / `AWS_DEFAULT_REGION`: region used in Invoke API ARNs when the request names none.
    public var defaultRegion: String = "ap-northeast-1"
    /// `HTTP_HEADER_TIMEOUT` (§3.10).
    public var headerTimeout: Duration = .seconds(10)
    /// `HTTP_BODY_TIMEOUT` (§3.10).
    public var bodyTimeout: Duration = .seconds(30)
    /// `HTTP_IDLE_TIMEOUT` (§3.10).
    public var idleTimeout: Duration = .seconds(60)
    /// `MAX_CONNECTIONS` (§3.10).
    public var maxConnections: Int = 10_000
    /// `MAX_BODY_BYTES` (§3.10): raw request body limit, routes and the Invoke API alike.
    public var maxBodyBytes: Int = 6_291_456
    /// `MAX_INFLIGHT_BODY_BYTES`: request-body bytes all connections may hold while receiving them (503 beyond).
    public var maxInflightBodyBytes: Int = 256 * 1024 * 1024
    /// `MIN_BODY_RATE`: bytes per second a request body must keep up after its first 10 s (408 below; 0 = off).
    public var minBodyRate: Int = 1024
    /// `SHUTDOWN_TIMEOUT` (§3.10): the SIGTERM drain deadline.
    public var shutdownTimeout: Duration = .seconds(30)
    /// `CONFIG_WATCH_INTERVAL`: how often the configuration files are looked at for a change that is then reloaded
    /// as SIGHUP reloads it (docs/configuration.md, "Reload"); 0 turns the watch off.
    public var configWatchInterval: Duration = .seconds(1)
    /// `GATEWAY_LOOPS`: event loops sharing the listen port (`SO_REUSEPORT`); nil = one per core
    /// (docs/gateway.md, "Event loops").
    public var loops: Int?
    /// `WORKER_CONNECT_TIMEOUT`: longest wait for a new connection to a worker's RIE. A bridge connect takes well
    /// under a millisecond, so a worker that does not answer within this is gone (docs/gateway-pools.md, "Dead workers").
    public var workerConnectTimeout: Duration = .milliseconds(100)

    /// Upper bound of every duration and of `JWT_EXPIRES_DELTA`: one year, in seconds.
    public static let maximumSeconds = 31_536_000
    /// `EVENT_SPOOL_DIR`: the durable queue of `Event` invocations (docs/async-invocations.md); default
    /// `/var/lib/esb/events/<CONTAINER_NAME>` (nil here means that default).
    public var eventSpoolDir: String?
    /// `EVENT_SPOOL_MAX_BYTES`: above this, an `Event` invocation is refused with 429 (default 1 GiB).
    public var eventSpoolMaxBytes: Int = 1 << 30
    /// `EVENT_RETRY_DELAYS`: pauses before the retries of an event whose function failed (default 60, 120 s).
    public var eventRetryDelays: [Duration] = [.seconds(60), .seconds(120)]
    /// `EVENT_BACKOFF_BASE`: first backoff after a throttle or system error (doubles up to 5 min; default 1 s).
    public var eventBackoffBase: Duration = .seconds(1)

    /// `SCHEDULER_ENABLED`: this gateway fires `schedules.yml` (default true; enable one gateway per site).
    public var schedulerEnabled = true
    /// `SCHEDULES_CONFIG_PATH`: written by `esb generate`; missing = no schedules.
    public var schedulesConfigPath = "/app/config/schedules.yml"

    /// The spool directory in force.
    public var eventSpoolDirectory: String { eventSpoolDir ?? "/var/lib/esb/events/\(containerName)" }

    /// Reads the environment; an unparsable value is an error naming the variable.
    public static func parse(_ env: [String: String], hostName: String = "esb-gateway") throws(GatewayEnvironmentError)
        -> GatewayEnvironment
    {
        var e = GatewayEnvironment()
        let reader = Reader(env: env)
        e.listen = reader.string("GATEWAY_LISTEN") ?? e.listen
        e.tlsCertPath = reader.string("TLS_CERT_PATH") ?? e.tlsCertPath
        e.tlsKeyPath = reader.string("TLS_KEY_PATH") ?? e.tlsKeyPath
        if let names = reader.string("TLS_SUBJECT_ALT_NAMES") { e.tlsSubjectAltNames = Reader.list(names) }
        e.jwtSecretKey = reader.string("JWT_SECRET_KEY")
        // At most a year: `iat + lifetime` near Int.max trapped on the first login (docs/configuration.md).
        // A duration like the others (decimals accepted, docs/contract.md §9), rounded up to whole seconds: a
        // token's `exp` and the login's `ExpiresIn` are whole seconds, and a lifetime is never cut to 0.
        if let lifetime = try reader.duration("JWT_EXPIRES_DELTA") {
            guard lifetime > .zero else {
                throw GatewayEnvironmentError(variable: "JWT_EXPIRES_DELTA", reason: "must be more than 0 seconds")
            }
            let (seconds, attoseconds) = lifetime.components
            e.jwtExpiresDelta = Int(seconds) + (attoseconds > 0 ? 1 : 0)
        }
        e.apiKey = reader.string("X_API_KEY")
        e.authUser = reader.string("AUTH_USER")
        e.authPass = reader.string("AUTH_PASS")
        e.authEndpointPath = reader.string("AUTH_ENDPOINT_PATH") ?? e.authEndpointPath
        guard e.authEndpointPath.hasPrefix("/") else {
            throw GatewayEnvironmentError(variable: "AUTH_ENDPOINT_PATH", reason: "must start with /")
        }
        e.managerURL = reader.string("MANAGER_URL") ?? e.managerURL
        e.managerToken = reader.string("MANAGER_TOKEN")
        e.containerCacheTTL = try reader.duration("CONTAINER_CACHE_TTL") ?? e.containerCacheTTL
        e.poolAcquireTimeout = try reader.duration("POOL_ACQUIRE_TIMEOUT") ?? e.poolAcquireTimeout
        e.functionsConfigPath = reader.string("FUNCTIONS_CONFIG_PATH") ?? e.functionsConfigPath
        e.routingConfigPath = reader.string("ROUTING_CONFIG_PATH") ?? e.routingConfigPath
        e.gatewayInternalURL = reader.string("GATEWAY_INTERNAL_URL") ?? e.gatewayInternalURL
        e.logLevel = (reader.string("LOG_LEVEL") ?? e.logLevel).uppercased()
        e.victoriaLogsURL = reader.string("VICTORIALOGS_URL")
        e.invokeAccessKeyID = reader.string("INVOKE_ACCESS_KEY_ID")
        e.invokeSecretAccessKey = reader.string("INVOKE_SECRET_ACCESS_KEY")
        e.metricsListen = reader.string("METRICS_LISTEN")
        if let proxies = reader.string("TRUSTED_PROXIES") {
            e.trustedProxies = try Reader.list(proxies).map { item throws(GatewayEnvironmentError) in
                guard let range = IPAddressRange(item) else {
                    throw GatewayEnvironmentError(
                        variable: "TRUSTED_PROXIES", reason: "'\(item)' is not an address or CIDR")
                }
                return range
            }
        }
        if let types = reader.string("BINARY_MEDIA_TYPES") {
            e.binaryMediaTypes = Reader.list(types).map { $0.lowercased() }
        }
        if let mode = reader.string("ESB_ENV") {
            switch mode.lowercased() {
            case "production": e.isProduction = true
            case "development", "test": e.isProduction = false
            default: throw GatewayEnvironmentError(variable: "ESB_ENV", reason: "must be development or production")
            }
        }
        e.containerName = reader.string("CONTAINER_NAME") ?? hostName
        e.defaultRegion = reader.string("AWS_REGION") ?? reader.string("AWS_DEFAULT_REGION") ?? e.defaultRegion
        e.headerTimeout = try reader.duration("HTTP_HEADER_TIMEOUT") ?? e.headerTimeout
        e.bodyTimeout = try reader.duration("HTTP_BODY_TIMEOUT") ?? e.bodyTimeout
        e.idleTimeout = try reader.duration("HTTP_IDLE_TIMEOUT") ?? e.idleTimeout
        e.maxConnections = try reader.integer("MAX_CONNECTIONS", minimum: 1) ?? e.maxConnections
        e.maxBodyBytes = try reader.integer("MAX_BODY_BYTES", minimum: 0) ?? e.maxBodyBytes
        e.shutdownTimeout = try reader.duration("SHUTDOWN_TIMEOUT") ?? e.shutdownTimeout
        e.configWatchInterval = try reader.duration("CONFIG_WATCH_INTERVAL") ?? e.configWatchInterval
        e.loops = try reader.integer("GATEWAY_LOOPS", minimum: 1, maximum: 256)
        e.workerConnectTimeout = try reader.duration("WORKER_CONNECT_TIMEOUT") ?? e.workerConnectTimeout
        guard e.workerConnectTimeout > .zero else {
            throw GatewayEnvironmentError(variable: "WORKER_CONNECT_TIMEOUT", reason: "must be more than 0")
        }
        e.maxInflightBodyBytes = try reader.integer("MAX_INFLIGHT_BODY_BYTES", minimum: 1) ?? e.maxInflightBodyBytes
        e.minBodyRate = try reader.integer("MIN_BODY_RATE", minimum: 0) ?? e.minBodyRate
        e.eventSpoolDir = reader.string("EVENT_SPOOL_DIR")
        e.eventSpoolMaxBytes = try reader.integer("EVENT_SPOOL_MAX_BYTES", minimum: 4096) ?? e.eventSpoolMaxBytes
        if let raw = reader.string("EVENT_RETRY_DELAYS") {
            guard let delays = EventRetryPolicy.parseDelays(raw) else {
                throw GatewayEnvironmentError(
                    variable: "EVENT_RETRY_DELAYS", reason: "'\(raw)' is not a comma-separated list of seconds")
            }
            e.eventRetryDelays = delays
        }
        e.eventBackoffBase = try reader.duration("EVENT_BACKOFF_BASE") ?? e.eventBackoffBase
        if let raw = reader.string("SCHEDULER_ENABLED") {
            switch raw.lowercased() {
            case "true", "1", "yes": e.schedulerEnabled = true
            case "false", "0", "no": e.schedulerEnabled = false
            default: throw GatewayEnvironmentError(variable: "SCHEDULER_ENABLED", reason: "must be true or false")
            }
        }
        e.schedulesConfigPath = reader.string("SCHEDULES_CONFIG_PATH") ?? e.schedulesConfigPath
        return e
    }

    /// Typed access to the environment dictionary; empty values count as unset.
    private struct Reader {
        let env: [String: String]

        func string(_ name: String) -> String? {
            guard let v = env[name]?.trimmingASCIIWhitespace(), !v.isEmpty else { return nil }
            return v
        }

        func integer(_ name: String, minimum: Int, maximum: Int = Int.max) throws(GatewayEnvironmentError) -> Int? {
            guard let raw = string(name) else { return nil }
            guard let v = Int(raw), v >= minimum else {
                throw GatewayEnvironmentError(variable: name, reason: "'\(raw)' is not an integer >= \(minimum)")
            }
            guard v <= maximum else {
                throw GatewayEnvironmentError(variable: name, reason: "'\(raw)' is more than \(maximum)")
            }
            return v
        }

        // docs/contract.md §9: durations accept decimals (`0.05`), so tests do not wait.
        func duration(_ name: String) throws(GatewayEnvironmentError) -> Duration? {
            guard let raw = string(name) else { return nil }
            guard let seconds = Double(raw), seconds.isFinite, seconds >= 0 else {
                throw GatewayEnvironmentError(variable: name, reason: "'\(raw)' is not a number of seconds")
            }
            // A huge value would trap converting to a Duration: refused with the variable's name instead.
            guard seconds <= Double(GatewayEnvironment.maximumSeconds) else {
                throw GatewayEnvironmentError(
                    variable: name, reason: "'\(raw)' is more than \(GatewayEnvironment.maximumSeconds) seconds")
            }
            return .microseconds(Int64(seconds * 1_000_000 + 0.5))
        }

        static func list(_ raw: String) -> [String] {
            raw.split(separator: ",").map { String($0).trimmingASCIIWhitespace() }.filter { !$0.isEmpty }
        }
    }
}

/// A variable of the environment that cannot be used; the process refuses to start with this line.
public struct GatewayEnvironmentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The environment variable.
    var variable: String
    /// What is wrong with it.
    var reason: String
    public var description: String { "\(variable): \(reason)" }
}
