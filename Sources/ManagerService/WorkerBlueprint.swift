import BoxCore
import BoxCrypto
import DockerEngine

/// Everything a worker container of one function is created with, derived from `functions.yml` and the
/// Manager's environment (docs/contract.md §4.3), and the config hash that identifies it.
struct WorkerBlueprint: Sendable, Equatable {
    let function: FunctionConfig
    /// The image id the hash was computed with (nil when the image was not inspectable).
    let imageID: String?
    /// `NAME=value`, sorted by name: the function's environment plus the injected variables.
    let environment: [String]
    let network: String
    /// How the gateway reaches the RIE.
    let addressMode: ManagerSettings.AddressMode
    /// SHA-256 (hex) over the canonical form of all of the above.
    let configHash: String

    /// `ESB_INSTANCE`, written as the `esb.instance` label.
    let instance: String?
    /// Docker's log driver for the worker: json-file rotated per `WORKER_LOG_MAX_SIZE`/`WORKER_LOG_MAX_FILE`.
    let logConfig: ContainerSpec.LogConfig?

    /// The RIE's port inside every worker.
    static let riePort = 8080

    init(function: FunctionConfig, imageID: String?, settings: ManagerSettings) {
        self.function = function
        self.imageID = imageID
        self.network = settings.network
        self.addressMode = settings.addressMode
        self.instance = settings.instance
        self.logConfig = settings.workerLogMaxSize.map {
            ContainerSpec.LogConfig(
                type: "json-file", options: ["max-size": $0, "max-file": String(settings.workerLogMaxFiles)])
        }
        self.environment = Self.environment(for: function, settings: settings)
        // The function's own definition (BoxCore's, the one the gateway's pools use) plus what only the Manager
        // knows: the image's id, the network, the address mode and the whole environment the box adds.
        var canonical = "esb-worker-config/2\n" + function.workerDefinition
        canonical += "image_id=\(imageID ?? "")\nnetwork=\(network)\naddress_mode=\(addressMode.rawValue)\n"
        for entry in environment { canonical += "container_env=\(entry.utf8.count):\(entry)\n" }
        configHash = Hex.encode(SHA256.hash(canonical))
    }

    /// The function's environment plus the box's (§4.3). Facts about the function (`AWS_LAMBDA_*`) always come
    /// from the Manager; endpoints, region and credentials only when the function does not set its own.
    static func environment(for function: FunctionConfig, settings: ManagerSettings) -> [String] {
        var env = function.environment
        func fallback(_ name: String, _ value: String?) {
            if let value, !value.isEmpty, env[name] == nil { env[name] = value }
        }
        env["AWS_LAMBDA_FUNCTION_NAME"] = function.name
        env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = String(function.memorySize)
        // The RIE reads whole seconds; a fractional timeout rounds up so the function gets at least its time.
        env["AWS_LAMBDA_FUNCTION_TIMEOUT"] = String(Int(function.timeout.rounded(.up)))
        if function.rieConcurrency > 1 { env["AWS_LAMBDA_MAX_CONCURRENCY"] = String(function.rieConcurrency) }
        let region = env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"] ?? settings.region
        fallback("AWS_REGION", region)
        fallback("AWS_DEFAULT_REGION", region)
        fallback("AWS_ENDPOINT_URL_S3", settings.s3Endpoint)
        fallback("AWS_ENDPOINT_URL_DYNAMODB", settings.dynamoDBEndpoint)
        fallback("AWS_ENDPOINT_URL_LAMBDA", settings.gatewayInternalURL)
        fallback("S3_ENDPOINT", settings.s3Endpoint)
        fallback("DYNAMODB_ENDPOINT", settings.dynamoDBEndpoint)
        fallback("GATEWAY_INTERNAL_URL", settings.gatewayInternalURL)
        fallback("AWS_ACCESS_KEY_ID", settings.workerAccessKeyID)
        fallback("AWS_SECRET_ACCESS_KEY", settings.workerSecretAccessKey)
        return env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// A fresh container name: `esb-<function>-<8 hex>`.
    func newContainerName() -> String {
        "esb-\(function.name)-\(Hex.encode(SecureRandom.bytes(4)))"
    }

    /// The Docker create body.
    var containerSpec: ContainerSpec {
        var labels = [
            WorkerLabels.managed: "true", WorkerLabels.function: function.name, WorkerLabels.config: configHash,
        ]
        if let instance { labels[WorkerLabels.instance] = instance }
        return ContainerSpec(
            image: function.image, environment: environment, labels: labels,
            exposedPorts: ["\(Self.riePort)/tcp"], memoryBytes: function.memorySize * 1024 * 1024, restartPolicy: "no",
            network: network,
            publishedPorts: addressMode == .published ? ["\(Self.riePort)/tcp": .init(hostIP: "127.0.0.1")] : [:],
            logConfig: logConfig)
    }
}

/// The labels every worker carries (§4.3).
enum WorkerLabels {
    /// `esb.managed=true`: the Manager owns it.
    static let managed = "esb.managed"
    /// `esb.function=<name>`.
    static let function = "esb.function"
    /// `esb.config=<hash>`.
    static let config = "esb.config"
    /// `esb.instance=<ESB_INSTANCE>` (only when set).
    static let instance = "esb.instance"

    /// True when a container with these labels belongs to the manager of `instance`: its `esb.instance` label
    /// equals it, or (for the default, unset instance) it has none. Instances never touch each other's workers.
    static func belongs(_ labels: [String: String], to instance: String?) -> Bool {
        labels[managed] == "true" && labels[Self.instance] == instance
    }

    /// The label filters that select this manager's containers (Docker cannot filter on a missing label: the
    /// default instance also checks `belongs(_:to:)`).
    static func filters(instance: String?) -> [String] {
        ["\(managed)=true"] + (instance.map { ["\(Self.instance)=\($0)"] } ?? [])
    }
}
