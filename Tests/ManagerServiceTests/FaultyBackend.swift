import DockerEngine
import Foundation
@testable import ManagerService

/// The real Docker engine with timing faults it does not produce on demand: every call goes to `docker`, and
/// - `listDelay` makes container lists slow (stands in for a busy daemon at a manager's start, so that API calls
///   arrive before the first Adopt & Sync has finished, docs/manager.md "Start-up");
/// - `exitAtStart` makes every created worker exit at once with code 3, and `startContainer` return only once it
///   has exited (stands in for a function image that dies before the manager's inspect: on the real daemon the
///   exit wins that race only sometimes);
/// - `unpauseGone` answers every unpause as Docker does for a container removed a moment before (404), while the
///   container is still there (the removal's `destroy` event normally reaches the manager first).
struct FaultyBackend: WorkerBackend {
    let docker: DockerClient
    var listDelay: Duration?
    var exitAtStart = false
    var unpauseGone = false

    func version() async throws(DockerError) -> DockerVersion { try await docker.version() }
    func inspectImage(_ name: String) async throws(DockerError) -> ImageDetails { try await docker.inspectImage(name) }

    func createContainer(name: String?, spec: ContainerSpec) async throws(DockerError) -> String {
        var spec = spec
        if exitAtStart {
            spec.entrypoint = ["/bin/sh", "-c", "exit 3"]
        }
        return try await docker.createContainer(name: name, spec: spec)
    }

    func startContainer(_ id: String) async throws(DockerError) {
        try await docker.startContainer(id)
        guard exitAtStart else { return }
        for _ in 0..<500 {
            if try await docker.inspectContainer(id).state.running == false { return }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    func pauseContainer(_ id: String) async throws(DockerError) { try await docker.pauseContainer(id) }
    func unpauseContainer(_ id: String) async throws(DockerError) {
        if unpauseGone { throw DockerError(.notFound, status: 404, message: "No such container: \(id)") }
        try await docker.unpauseContainer(id)
    }
    func stopContainer(_ id: String, timeoutSeconds: Int) async throws(DockerError) {
        try await docker.stopContainer(id, timeoutSeconds: timeoutSeconds)
    }
    func removeContainer(_ id: String, force: Bool) async throws(DockerError) {
        try await docker.removeContainer(id, force: force)
    }
    func inspectContainer(_ id: String) async throws(DockerError) -> ContainerDetails {
        try await docker.inspectContainer(id)
    }
    func listContainers(all: Bool, labels: [String]) async throws(DockerError) -> [ContainerSummary] {
        if let listDelay { try? await Task.sleep(for: listDelay) }
        return try await docker.listContainers(all: all, labels: labels)
    }

    func events(filters: [String: [String]], since: Int?) -> AsyncThrowingStream<DockerEvent, any Error> {
        docker.events(filters: filters, since: since)
    }
    func logs(_ id: String, follow: Bool, tail: String, since: Int?) -> AsyncThrowingStream<LogFrame, any Error> {
        docker.logs(id, follow: follow, tail: tail, since: since)
    }

    func listNetworks(named name: String) async throws(DockerError) -> [NetworkDetails] {
        try await docker.listNetworks(named: name)
    }
    func createNetwork(
        name: String, labels: [String: String], options: [String: String]
    ) async throws(DockerError) -> String {
        try await docker.createNetwork(name: name, labels: labels, options: options)
    }
    func inspectNetwork(_ id: String) async throws(DockerError) -> NetworkDetails {
        try await docker.inspectNetwork(id)
    }
    func removeNetwork(_ id: String) async throws(DockerError) { try await docker.removeNetwork(id) }
}
