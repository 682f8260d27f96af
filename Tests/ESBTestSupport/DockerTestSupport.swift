public import DockerEngine
public import Foundation
import Synchronization
public import Testing

/// Shared set-up for suites that drive the real Docker daemon.
public enum DockerTestSupport {
    /// The image every container of these suites runs: the project's local Lambda base image, with its
    /// entrypoint replaced by a shell command (built by `tests-e2e/setup.sh` / `build-base-image.sh`).
    public static let image = "esb-local/lambda-python:3.11"

    /// The repository root (tests live in `Tests/<Target>/`).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Starts dockerd through the project's script when nothing answers, and fails clearly otherwise.
    public static func client() async throws -> DockerClient {
        let client = DockerClient(host: try DockerHost.fromEnvironment(ProcessInfo.processInfo.environment))
        if (try? await client.ping()) == nil {
            let script = repositoryRoot.appendingPathComponent("tests-e2e/lib/ensure-dockerd.sh").path
            if FileManager.default.isExecutableFile(atPath: script) {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: script)
                try process.run()
                process.waitUntilExit()
            }
        }
        do {
            try await client.ping()
        } catch {
            Issue.record("the Docker daemon does not answer at \(client.host) (\(error)); run tests-e2e/setup.sh")
            throw error
        }
        return client
    }

    /// Fails the test with a clear message when `name` is not a local image.
    public static func requireImage(_ name: String, on client: DockerClient) async throws {
        do {
            _ = try await client.inspectImage(name)
        } catch {
            Issue.record("image \(name) is missing (\(error)); build it with tests-e2e/setup.sh")
            throw error
        }
    }

    /// A name no other test (or earlier run) uses.
    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// A container running `script` under /bin/sh, labelled so leftovers are recognisable.
    public static func runShell(_ script: String, name: String, on client: DockerClient) async throws -> String {
        try await requireImage(image, on: client)
        let spec = ContainerSpec(
            image: image, labels: ["esb.test": "docker-engine"], entrypoint: ["/bin/sh", "-c", script])
        let id = try await client.createContainer(name: name, spec: spec)
        try await client.startContainer(id)
        return id
    }

    /// Registers a container for removal when the current test ends (see `ContainerCleanup`).
    public static func removeLater(_ id: String, on client: DockerClient) async {
        if let registry = ContainerCleanup.current {
            registry.add(id, client)
        } else {
            Issue.record("removeLater outside a test scoped by .containerCleanup")
        }
    }

    /// Removes a container, ignoring "already gone".
    public static func remove(_ id: String, on client: DockerClient) async {
        try? await client.removeContainer(id, force: true)
    }
}

/// A test trait that removes the containers a test registered with `removeLater`, after the test, awaited
/// (a `defer` cannot await, and an unawaited task may outlive the test process).
public struct ContainerCleanup: TestTrait, SuiteTrait, TestScoping {
    public final class Registry: Sendable {
        private let entries = Mutex<[(String, DockerClient)]>([])
        func add(_ id: String, _ client: DockerClient) { entries.withLock { $0.append((id, client)) } }
        func drain() -> [(String, DockerClient)] {
            entries.withLock { entries in
                defer { entries = [] }
                return entries
            }
        }
    }

    @TaskLocal public static var current: Registry?

    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let registry = Registry()
        do {
            try await Self.$current.withValue(registry) { try await function() }
        } catch {
            for (id, client) in registry.drain() { await DockerTestSupport.remove(id, on: client) }
            throw error
        }
        for (id, client) in registry.drain() { await DockerTestSupport.remove(id, on: client) }
    }
}

extension Trait where Self == ContainerCleanup {
    /// Removes the containers each test registered with `DockerTestSupport.removeLater`.
    public static var containerCleanup: ContainerCleanup { ContainerCleanup() }
}
