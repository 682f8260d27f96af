import DockerEngine
import Foundation
import Testing

/// Shared set-up for suites that drive the real Docker daemon.
enum DockerTestSupport {
    /// The repository root (tests live in `Tests/<Target>/`).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Starts dockerd through the project's script when nothing answers, and fails clearly otherwise.
    static func client() async throws -> DockerClient {
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
    static func requireImage(_ name: String, on client: DockerClient) async throws {
        do {
            _ = try await client.inspectImage(name)
        } catch {
            Issue.record("image \(name) is missing (\(error)); build it with tests-e2e/setup.sh")
            throw error
        }
    }
}
