public import DockerEngine

/// Every container operation the Manager performs, in one place (docs/manager.md, "Backend"): the worker table
/// decides, `WorkerManager` and `WorkerLauncher` carry the decisions out through this and nothing else. The
/// Docker engine (`DockerClient`, below) is the only implementation today; another runtime (docs/scale-out.md)
/// implements these calls with the same meaning. Values are DockerEngine's (its specs, details and events are
/// what the Manager reads); errors are `DockerError`, whose codes say what the Manager must do (gone, conflict,
/// unreachable).
public protocol WorkerBackend: Sendable {
    /// The engine's version, for `GET /health`.
    func version() async throws(DockerError) -> DockerVersion
    /// An image's details (its id goes into the config hash); a missing image is `.notFound`.
    func inspectImage(_ name: String) async throws(DockerError) -> ImageDetails

    /// Creates a worker container; returns its id.
    func createContainer(name: String?, spec: ContainerSpec) async throws(DockerError) -> String
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
    func createNetwork(
        name: String, labels: [String: String], options: [String: String]
    ) async throws(DockerError) -> String
    func inspectNetwork(_ id: String) async throws(DockerError) -> NetworkDetails
    func removeNetwork(_ id: String) async throws(DockerError)
}

/// The Docker engine as the Manager's backend: each call is the engine API call of the same name.
extension DockerClient: WorkerBackend {}
