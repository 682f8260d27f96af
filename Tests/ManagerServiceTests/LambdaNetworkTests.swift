import BoxCore
import DockerEngine
import ESBTestSupport
import Foundation
import Glibc
import HTTP1
import Reactor
import Testing
@testable import ManagerService

/// `LAMBDA_NETWORK` is created race-free across processes and duplicates are resolved to the oldest
/// (docs/manager.md, "The Lambda network"), on the real Docker engine.
@Suite(.timeLimit(.minutes(3))) struct LambdaNetworkTests {
    /// The ids of the networks named exactly `name`, oldest first.
    static func networks(named name: String) async -> [String] {
        let out = await sh("docker network ls -q --no-trunc --filter name=^\(name)$").output
        return out.split(separator: "\n").map(String.init)
    }

    /// The id of the network a container is attached to.
    static func networkID(ofContainer id: String) async -> String {
        await sh("docker inspect -f '{{range .NetworkSettings.Networks}}{{.NetworkID}}{{end}}' \(id)").output
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func removeEverything(instances: [String], network: String) async {
        for instance in instances {
            _ = await sh(
                "docker ps -aq --filter label=esb.instance=\(instance) | xargs -r docker rm -f >/dev/null 2>&1")
        }
        _ = await sh("docker network ls -q --filter name=^\(network)$ | xargs -r docker network rm >/dev/null 2>&1")
    }

    @Test func managersStartedTogetherOnAFreshNameCreateExactlyOneNetwork() async throws {
        let network = "esb-racenet-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        let dir = NSTemporaryDirectory() + network
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let fn = ManagerHarness.uniqueFunction("race")
        try "functions:\n  \(fn):\n    image: \"\(ManagerHarness.image)\"\n"
            .write(toFile: dir + "/functions.yml", atomically: true, encoding: .utf8)
        let count = 4
        let instances = (0..<count).map { "\(network)-\($0)" }
        var processes: [Process] = []
        defer {
            for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) }
            try? FileManager.default.removeItem(atPath: dir)
        }
        for (index, instance) in instances.enumerated() {
            let process = Process()
            process.executableURL = try ManagerProcessTests.requireExecutable()
            process.environment = [
                "MANAGER_TOKEN": "race-token", "MANAGER_LISTEN": "unix://\(dir)/m\(index).sock",
                "FUNCTIONS_CONFIG_PATH": dir + "/functions.yml", "LAMBDA_NETWORK": network, "ESB_INSTANCE": instance,
                "CONTAINER_READINESS_TIMEOUT": "30", "LOG_LEVEL": "WARNING",
            ]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            processes.append(process)
        }
        let client = HTTPClient()
        do {
            for index in 0..<count {
                try await waitUntil("manager \(index) to answer", timeout: .seconds(30)) {
                    let health = HTTPRequest(method: "GET", target: "/health")
                    let answer = try? await client.execute(
                        health, to: HTTPEndpoint(unixPath: "\(dir)/m\(index).sock"), timeout: .seconds(2))
                    return answer?.status == 200
                }
            }
            // Every manager's first lease at once: each one needs the network that none has created yet.
            let answers = await withTaskGroup(of: (Int, String).self) { group in
                for index in 0..<count {
                    group.addTask {
                        let lease = HTTPRequest(
                            method: "POST", target: "/v1/functions/\(fn)/workers",
                            headers: ["X-ESB-Token": "race-token"],
                            body: Array(#"{"count":1}"#.utf8))
                        let answer = try? await client.execute(
                            lease, to: HTTPEndpoint(unixPath: "\(dir)/m\(index).sock"), timeout: .seconds(60))
                        return (
                            answer?.status ?? 0, answer.map { String(decoding: $0.body, as: UTF8.self) } ?? "no answer"
                        )
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            for (status, body) in answers { #expect(status == 201, "\(body)") }
            let ids = await Self.networks(named: network)
            #expect(ids.count == 1, "networks named \(network): \(ids)")
            // Created with jumbo frames (docs/manager.md, "The Lambda network"), which the workers' eth0 gets.
            let mtu = await sh(
                "docker network inspect -f '{{index .Options \"com.docker.network.driver.mtu\"}}' \(network)")
            #expect(mtu.output.trimmingCharacters(in: .whitespacesAndNewlines) == "9000")
            let firstWorkers = await sh("docker ps -q --filter label=esb.instance=\(instances[0])").output
            let worker = try #require(firstWorkers.split(separator: "\n").first)
            let link = await sh("docker exec \(worker) cat /sys/class/net/eth0/mtu")
            #expect(link.output.trimmingCharacters(in: .whitespacesAndNewlines) == "9000")
            for instance in instances {
                let workers = await sh("docker ps -q --no-trunc --filter label=esb.instance=\(instance)").output.split(
                    separator: "\n")
                #expect(workers.count == 1)
                for worker in workers { #expect(await Self.networkID(ofContainer: String(worker)) == ids.first) }
            }
        } catch {
            await Self.removeEverything(instances: instances, network: network)
            throw error
        }
        await Self.removeEverything(instances: instances, network: network)
    }

    @Test func aDuplicateLeftEarlierIsResolvedToTheOldestAndTheEmptyExtraRemoved() async throws {
        let network = "esb-dupnet-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        let docker = try await DockerTestSupport.client()
        // Docker's own duplicate check is off here, as in a create that raced another one.
        func createDuplicate() async throws -> String {
            let body =
                #"{"Name":"\#(network)","Driver":"bridge","CheckDuplicate":false,"Labels":{"esb.managed":"true"}}"#
            let response = try await docker.request("POST", "/networks/create", body: Array(body.utf8))
            return try #require(try JSONValue(parsing: response.body)["Id"]?.stringValue)
        }
        let oldest = try await createDuplicate()
        try await Task.sleep(for: .milliseconds(20))
        let newer = try await createDuplicate()
        #expect(Set(await Self.networks(named: network)) == [oldest, newer])
        let busy = try await createDuplicate()
        // A container on the third one keeps it in use (it may not be removed), so the manager's workers must be
        // created and started while two networks still share the name.
        // (Docker's own CLI cannot start a container on it while names clash: it names the network, not its id.)
        var spec = ContainerSpec(
            image: DockerTestSupport.image, labels: ["esb.test": "lambda-network"], entrypoint: ["/bin/sleep", "300"])
        spec.network = busy
        spec.networkID = busy
        let blocker = try await docker.createContainer(spec: spec)
        try await docker.startContainer(blocker)

        let fn = ManagerHarness.uniqueFunction("dup")
        let harness = try await ManagerHarness(
            functions: [ManagerHarness.echo(fn)], environment: ["LAMBDA_NETWORK": network])
        do {
            try await harness.run { h in
                let lease = await h.lease(fn)
                #expect(lease.status == 201, "\(lease.json?.jsonString ?? "")")
                let workers = try await h.containers()
                #expect(workers.count == 1)
                for worker in workers { #expect(await Self.networkID(ofContainer: worker.id) == oldest) }
                let remaining = await Self.networks(named: network)
                #expect(
                    Set(remaining) == [oldest, busy],
                    "oldest \(oldest) newer \(newer) busy \(busy) remaining \(remaining)")
                let warning = try await h.logs.first {
                    $0["message"]?.stringValue?.contains("several networks") == true
                }
                #expect(warning["using"]?.stringValue == oldest)
                #expect(
                    Set((warning["others"]?.stringValue ?? "").split(separator: ",").map(String.init)) == [newer, busy])
            }
        } catch {
            _ = await sh("docker rm -f \(blocker)")
            await Self.removeEverything(instances: [harness.instance], network: network)
            throw error
        }
        _ = await sh("docker rm -f \(blocker)")
        await Self.removeEverything(instances: [harness.instance], network: network)
    }

    @Test func creationTimesCompareAsTimesNotAsText() {
        #expect(CreationTime("2026-12-06T10:00:00.1234Z") < CreationTime("2026-12-06T10:00:00.12345Z"))
        #expect(CreationTime("2026-12-06T10:00:00Z") < CreationTime("2026-12-06T10:00:00.000000001Z"))
        #expect(CreationTime("2026-12-06T09:59:59.9Z") < CreationTime("2026-12-06T10:00:00Z"))
        #expect(!(CreationTime("2026-12-06T10:00:00.5Z") < CreationTime("2026-12-06T10:00:00.500Z")))
    }
}
