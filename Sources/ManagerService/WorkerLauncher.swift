import DockerEngine
import Synchronization
import Telemetry

/// A worker container that is started and accepts connections on its RIE port.
struct StartedWorker: Sendable, Equatable {
    let id: String
    let name: String
    /// Where the gateway reaches the RIE.
    let host: String
    /// The RIE's port as the gateway sees it.
    let port: Int
}

/// Creates, starts and checks worker containers, and removes them: the Docker side of a cold start (§4.3).
final class WorkerLauncher: Sendable {
    let backend: any WorkerBackend
    let settings: ManagerSettings
    let logger: Logger
    /// Counts and times the container operations (docs/observability.md).
    let metrics: ManagerMetrics
    private let networkCheck = Mutex<Task<String, any Error>?>(nil)

    init(
        backend: any WorkerBackend, settings: ManagerSettings, logger: Logger,
        metrics: ManagerMetrics = ManagerMetrics()
    ) {
        self.backend = backend
        self.metrics = metrics
        self.settings = settings
        self.logger = logger
    }

    /// The image's id; a missing image is `.imageMissing` naming it.
    func imageID(of image: String) async throws(ManagerError) -> String {
        do {
            return try await backend.inspectImage(image).id
        } catch  where error.code == .notFound {
            throw ManagerError(.imageMissing, "Image not found: \(image)", image: image)
        } catch {
            throw Self.map(error)
        }
    }

    /// The id of `LAMBDA_NETWORK`, found or created once per process (again after a failure, or when a create
    /// finds it gone). Concurrent cold starts share one resolution; across processes `LambdaNetwork` makes every
    /// manager agree on one network even when duplicates exist.
    func ensureNetwork() async throws(ManagerError) -> String {
        let check = networkCheck.withLock { current in
            if let current { return current }
            let network = LambdaNetwork(backend: backend, name: settings.network, logger: logger)
            let task = Task { () async throws -> String in try await network.resolve() }
            current = task
            return task
        }
        do {
            return try await check.value
        } catch {
            networkCheck.withLock { if $0 == check { $0 = nil } }
            if let error = error as? DockerError { throw Self.map(error) }
            throw ManagerError(.dockerUnavailable, "\(error)")
        }
    }

    /// Forgets a resolved network (it vanished): the next `ensureNetwork` looks again.
    private func forgetNetworkCheck() {
        networkCheck.withLock { $0 = nil }
    }

    /// Create → start → ready. Any failure removes the container; a worker that does not accept connections
    /// within `CONTAINER_READINESS_TIMEOUT` is `.workerNotReady`.
    func launch(_ blueprint: WorkerBlueprint) async throws(ManagerError) -> StartedWorker {
        let networkID = try await ensureNetwork()
        let (id, name) = try await create(blueprint, networkID: networkID, attempt: 0)
        let details: ContainerDetails
        do {
            try await metrics.timed("start") { () async throws(DockerError) in try await self.backend.startContainer(id)
            }
            details = try await backend.inspectContainer(id)
        } catch {
            await remove(id)
            throw Self.map(error)
        }
        guard let probe = details.networks[settings.network]?.ipAddress, !probe.isEmpty,
            let address = address(of: details)
        else {
            // A container that exited at once has no address any more: that is an exit, not a network fault
            // (docs/manager.md). Asked again, since it may exit just after the inspect above.
            let state = details.state.running ? (try? await backend.inspectContainer(id))?.state : details.state
            await remove(id)
            if let state, !state.running { throw Self.exitedWhileStarting(blueprint, state) }
            throw ManagerError(.dockerFailed, "worker \(name) has no address on network \(settings.network)")
        }
        // Readiness always probes the container's own address: a published port is accepted by docker-proxy
        // before the RIE inside listens, so connecting to it proves nothing.
        let backend = self.backend
        let ready = await ReadinessProbe.waitUntilAccepting(
            host: probe, port: WorkerBlueprint.riePort, timeout: settings.readinessTimeout
        ) {
            (try? await backend.inspectContainer(id))?.state.running ?? true
        }
        guard ready else {
            let state = (try? await backend.inspectContainer(id))?.state
            await remove(id)
            if let state, !state.running { throw Self.exitedWhileStarting(blueprint, state) }
            throw ManagerError(
                .workerNotReady,
                "worker of \(blueprint.function.name) was not ready within \(settings.readinessTimeout)")
        }
        return StartedWorker(id: id, name: name, host: address.host, port: address.port)
    }

    /// The 503 for a worker that exited before it was ready.
    private static func exitedWhileStarting(_ blueprint: WorkerBlueprint, _ state: ContainerDetails.State)
        -> ManagerError
    {
        ManagerError(
            .workerNotReady,
            "worker of \(blueprint.function.name) exited while starting (exit code \(state.exitCode)\(state.oomKilled ? ", out of memory" : ""))"
        )
    }

    /// Creates the container attached to the network by id (its name may be shared by a duplicate).
    private func create(_ blueprint: WorkerBlueprint, networkID: String, attempt: Int) async throws(ManagerError) -> (
        String, String
    ) {
        let name = blueprint.newContainerName()
        var spec = blueprint.containerSpec
        spec.network = networkID
        spec.networkID = networkID
        do {
            return (
                try await metrics.timed("create") { () async throws(DockerError) in
                    try await backend.createContainer(name: name, spec: spec)
                }, name
            )
        } catch  where error.code == .conflict && attempt == 0 {
            // A random-suffix collision (or a leftover of that name): one more try with a new name.
            return try await create(blueprint, networkID: networkID, attempt: 1)
        } catch  where error.code == .notFound {
            if error.message.lowercased().contains("network"), attempt == 0 {
                forgetNetworkCheck()
                let found = try await ensureNetwork()
                return try await create(blueprint, networkID: found, attempt: 1)
            }
            throw ManagerError(
                .imageMissing, "Image not found: \(blueprint.function.image)", image: blueprint.function.image)
        } catch {
            throw Self.map(error)
        }
    }

    /// Where the gateway reaches the worker in the configured address mode.
    func address(of details: ContainerDetails) -> (host: String, port: Int)? {
        switch settings.addressMode {
        case .network:
            guard let ip = details.networks[settings.network]?.ipAddress, !ip.isEmpty else { return nil }
            return (ip, WorkerBlueprint.riePort)
        case .published:
            guard let binding = details.publishedPorts["\(WorkerBlueprint.riePort)/tcp"]?.first, binding.hostPort > 0
            else {
                return nil
            }
            return ("127.0.0.1", binding.hostPort)
        }
    }

    /// Force-removes a container; "already gone" is success. False when Docker could not be asked.
    @discardableResult
    func remove(_ id: String) async -> Bool {
        do {
            try await backend.removeContainer(id, force: true)
            return true
        } catch {
            return error.code == .notFound
        }
    }

    /// Docker failures as the API reports them.
    static func map(_ error: DockerError) -> ManagerError {
        switch error.code {
        case .daemonUnreachable, .timedOut: ManagerError(.dockerUnavailable, "Docker is unavailable: \(error.message)")
        case .notFound: ManagerError(.dockerFailed, "Docker: \(error.message)")
        default: ManagerError(.dockerFailed, "Docker refused: \(error.message)")
        }
    }
}
