public import DockerEngine

/// Every container operation the Manager performs, in one place (docs/manager.md, "Backend"): the worker table
/// decides, `WorkerManager` and `WorkerLauncher` carry the decisions out through this and nothing else. The
/// Docker engine (`DockerWorkerBackend`) is the only implementation today; another runtime (docs/scale-out.md)
/// implements these calls with the same meaning. Values are DockerEngine's (its specs, details and events are
/// what the Manager reads); errors are `DockerError`, whose codes say what the Manager must do (gone, conflict,
/// unreachable).
public protocol WorkerBackend: Sendable {
    /// The engine's version, for `GET /health`.
    func version() async throws(DockerError) -> DockerVersion
    /// An image's details (its id goes into the config hash); a missing image is `.notFound`.
    func inspectImage(_ name: String) async throws(DockerError) -> ImageDetails

    /// Creates a worker container; returns its id.
    func createContainer(name: String, spec: ContainerSpec) async throws(DockerError) -> String
    /// Starts a created container.
    func startContainer(_ id: String) async throws(DockerError)
    /// Freezes a running container.
    func pauseContainer(_ id: String) async throws(DockerError)
    /// Thaws a paused container.
    func unpauseContainer(_ id: String) async throws(DockerError)
    /// SIGTERM, then SIGKILL after `timeoutSeconds`.
    func stopContainer(_ id: String, timeoutSeconds: Int) async throws(DockerError)
    /// Removes a container, stopping it first when `force`.
    func removeContainer(_ id: String, force: Bool) async throws(DockerError)
    /// One container's state and addresses.
    func inspectContainer(_ id: String) async throws(DockerError) -> ContainerDetails
    /// Containers carrying every one of `labels` (`key=value`), stopped ones too when `all`.
    func listContainers(all: Bool, labels: [String]) async throws(DockerError) -> [ContainerSummary]

    /// Container events (die, oom, destroy, ...) from `since` (Unix seconds) on, until the engine goes away.
    func events(filters: [String: [String]], since: Int?) -> AsyncThrowingStream<DockerEvent, any Error>
    /// A container's output, followed while it runs; `tail` is a line count or `all`.
    func logs(_ id: String, follow: Bool, tail: String, since: Int?) -> AsyncThrowingStream<LogFrame, any Error>

    /// Networks named exactly `name` (the engine allows duplicates).
    func listNetworks(named name: String) async throws(DockerError) -> [NetworkDetails]
    /// Creates a bridge network; returns its id. A name in use is `.conflict`.
    func createNetwork(name: String, labels: [String: String]) async throws(DockerError) -> String
    func inspectNetwork(_ id: String) async throws(DockerError) -> NetworkDetails
    func removeNetwork(_ id: String) async throws(DockerError)
}

/// The Docker engine as the Manager's backend: each call is the engine API call of the same name.
public struct DockerWorkerBackend: WorkerBackend {
    public let docker: DockerClient

    /// The backend over `docker`.
    public init(docker: DockerClient) { self.docker = docker }

    public func version() async throws(DockerError) -> DockerVersion { try await docker.version() }
    public func inspectImage(_ name: String) async throws(DockerError) -> ImageDetails {
        try await docker.inspectImage(name)
    }
    public func createContainer(name: String, spec: ContainerSpec) async throws(DockerError) -> String {
        try await docker.createContainer(name: name, spec: spec)
    }
    public func startContainer(_ id: String) async throws(DockerError) { try await docker.startContainer(id) }
    public func pauseContainer(_ id: String) async throws(DockerError) { try await docker.pauseContainer(id) }
    public func unpauseContainer(_ id: String) async throws(DockerError) { try await docker.unpauseContainer(id) }
    public func stopContainer(_ id: String, timeoutSeconds: Int) async throws(DockerError) {
        try await docker.stopContainer(id, timeoutSeconds: timeoutSeconds)
    }
    public func removeContainer(_ id: String, force: Bool) async throws(DockerError) {
        try await docker.removeContainer(id, force: force)
    }
    public func inspectContainer(_ id: String) async throws(DockerError) -> ContainerDetails {
        try await docker.inspectContainer(id)
    }
    public func listContainers(all: Bool, labels: [String]) async throws(DockerError) -> [ContainerSummary] {
        try await docker.listContainers(all: all, labels: labels)
    }
    public func events(filters: [String: [String]], since: Int?) -> AsyncThrowingStream<DockerEvent, any Error> {
        docker.events(filters: filters, since: since)
    }
    public func logs(_ id: String, follow: Bool, tail: String, since: Int?) -> AsyncThrowingStream<LogFrame, any Error>
    {
        docker.logs(id, follow: follow, tail: tail, since: since)
    }
    public func listNetworks(named name: String) async throws(DockerError) -> [NetworkDetails] {
        try await docker.listNetworks(named: name)
    }
    public func createNetwork(name: String, labels: [String: String]) async throws(DockerError) -> String {
        try await docker.createNetwork(name: name, labels: labels)
    }
    public func inspectNetwork(_ id: String) async throws(DockerError) -> NetworkDetails {
        try await docker.inspectNetwork(id)
    }
    public func removeNetwork(_ id: String) async throws(DockerError) { try await docker.removeNetwork(id) }
}
