import BoxCore
import DockerEngine
import ESBTestSupport
import Foundation
import Testing
@testable import ManagerService

/// The Manager against the real dockerd and real RIE containers (the `esb-test/echo` fixture).
@Suite(.serialized, .timeLimit(.minutes(5))) struct ManagerWorkerTests {
    @Test func aColdStartAnswersThroughItsRIEWithTheContainerOfSection4_3() async throws {
        let fn = ManagerHarness.uniqueFunction("cold")
        try await ManagerHarness(functions: [ManagerHarness.echo(fn)]).run { (h: ManagerHarness) async throws in
            let answer = await h.lease(fn)
            #expect(answer.status == 201)
            let worker = try #require(answer.json?["workers"]?[0])
            #expect(worker["state"]?.stringValue == "new")
            #expect(answer.json?["limit_reached"]?.boolValue == false)
            let id = try #require(worker["id"]?.stringValue)
            let name = try #require(worker["name"]?.stringValue)
            let host = try #require(worker["host"]?.stringValue)
            #expect(worker["port"]?.intValue == 8080)
            #expect(id.count == 64)
            #expect(name.hasPrefix("esb-\(fn)-") && name.count == "esb-\(fn)-".count + 8)

            let result = try await h.invoke(host: host, port: 8080, payload: #"{"hello":"world"}"#)
            #expect(result.status == 200)
            let body = try JSONValue(parsing: try #require(JSONValue(parsing: result.body)["body"]?.stringValue))
            #expect(body["event"]?["hello"]?.stringValue == "world")
            #expect(body["env"]?["GREETING"]?.stringValue == "hi")
            #expect(body["env"]?["AWS_LAMBDA_FUNCTION_NAME"]?.stringValue == fn)

            let details = try #require(await h.inspect(id))
            #expect(details.labels["esb.managed"] == "true")
            #expect(details.labels["esb.function"] == fn)
            #expect(details.labels["esb.config"]?.count == 64)
            #expect(details.networks[ManagerHarness.network]?.ipAddress == host)
            let env = Set(details.environment)
            for expected in [
                "AWS_LAMBDA_FUNCTION_NAME=\(fn)", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
                "AWS_LAMBDA_FUNCTION_TIMEOUT=30",
                "AWS_REGION=ap-northeast-1", "AWS_DEFAULT_REGION=ap-northeast-1",
                "AWS_ENDPOINT_URL_S3=http://s3.test:9000",
                "AWS_ENDPOINT_URL_DYNAMODB=http://dynamodb.test:8000",
                "AWS_ENDPOINT_URL_LAMBDA=https://gateway.test:443",
                "S3_ENDPOINT=http://s3.test:9000", "DYNAMODB_ENDPOINT=http://dynamodb.test:8000",
                "GATEWAY_INTERNAL_URL=https://gateway.test:443", "AWS_ACCESS_KEY_ID=AKTEST",
                "AWS_SECRET_ACCESS_KEY=SKTEST",
                "GREETING=hi",
            ] {
                #expect(env.contains(expected), "missing \(expected)")
            }
            #expect(!env.contains { $0.hasPrefix("AWS_LAMBDA_MAX_CONCURRENCY=") })
            let hostConfig = try await h.docker.request("GET", "/containers/\(id)/json").body
            let raw = try JSONValue(parsing: hostConfig)
            #expect(raw["HostConfig"]?["Memory"]?.intValue == 128 * 1024 * 1024)
            #expect(raw["HostConfig"]?["RestartPolicy"]?["Name"]?.stringValue == "no")
        }
    }

    @Test func workerOutputArrivesAsJSONLinesWithContainerName() async throws {
        let fn = ManagerHarness.uniqueFunction("logs")
        try await ManagerHarness(functions: [ManagerHarness.echo(fn)]).run { (h: ManagerHarness) async throws in
            let answer = await h.lease(fn)
            let worker = try #require(
                answer.json?["workers"]?[0], "lease answered \(answer.status) \(answer.json?.jsonString ?? "")")
            let name = try #require(worker["name"]?.stringValue)
            let marker = "marker-\(UInt32.random(in: 0...UInt32.max))"
            let payload =
                #"{"print":"\#(marker)","print_json":{"level":"ERROR","message":"json \#(marker)","request_id":"req-1","container_name":"spoof","function":"spoof","stream":"spoof","extra":7}}"#
            _ = try await h.invoke(host: try #require(worker["host"]?.stringValue), port: 8080, payload: payload)
            let plain = try await h.logs.first { $0["message"]?.stringValue == marker }
            #expect(plain["container_name"]?.stringValue == name)
            #expect(plain["function"]?.stringValue == fn)
            #expect(plain["stream"]?.stringValue == "stdout")
            #expect(plain["level"]?.stringValue == "INFO")
            let lifted = try await h.logs.first { $0["message"]?.stringValue == "json \(marker)" }
            #expect(lifted["container_name"]?.stringValue == name)
            #expect(lifted["function"]?.stringValue == fn)
            #expect(lifted["stream"]?.stringValue == "stdout")
            #expect(lifted["level"]?.stringValue == "ERROR")
            #expect(lifted["request_id"]?.stringValue == "req-1")
            #expect(lifted["extra"]?.intValue == 7)
        }
    }

    @Test func twentyConcurrentProvisionCallsNeverExceedMaxConcurrency() async throws {
        let fn = ManagerHarness.uniqueFunction("limit")
        try await ManagerHarness(functions: [ManagerHarness.echo(fn, maxConcurrency: 3)]).run {
            (h: ManagerHarness) async throws in
            let answers = await withTaskGroup(of: (Int, Int, Bool).self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let a = await h.lease(fn)
                        return (
                            a.status, a.json?["workers"]?.arrayValue?.count ?? 0,
                            a.json?["limit_reached"]?.boolValue ?? false
                        )
                    }
                }
                var all: [(Int, Int, Bool)] = []
                for await a in group { all.append(a) }
                return all
            }
            #expect(answers.allSatisfy { $0.0 == 201 })
            #expect(answers.map(\.1).reduce(0, +) == 3)
            #expect(answers.filter(\.2).count == 17)
            let created = try await h.containers().count
            #expect(created == 3)
            #expect(await h.listed().count == 3)
            // Asking again at the limit gives an empty list, and creates nothing.
            let more = await h.lease(fn, count: 2)
            #expect(more.status == 201 && more.json?["workers"]?.arrayValue?.isEmpty == true)
            #expect(more.json?["limit_reached"]?.boolValue == true)
            let after = try await h.containers().count
            #expect(after == 3)
        }
    }

    @Test func anIdleWorkerIsPausedAndResumedOnTheNextLease() async throws {
        let fn = ManagerHarness.uniqueFunction("pause")
        try await ManagerHarness(functions: [ManagerHarness.echo(fn)], environment: ["PAUSE_IDLE_SECONDS": "0.5"]).run {
            (h: ManagerHarness) async throws in
            let worker = try #require(await h.lease(fn).json?["workers"]?[0])
            let id = try #require(worker["id"]?.stringValue)
            _ = await h.heartbeat(released: [id])
            try await waitUntil("docker pause") { await h.inspect(id)?.state.paused == true }
            // Docker reports the pause a moment before the manager's pause call returns and its table says so;
            // a lease in between would (rightly) not take a worker that is still pausing.
            try await waitUntil("the manager to record the pause") {
                await h.listed().first?["state"]?.stringValue == "paused"
            }
            let again = await h.lease(fn)
            #expect(again.json?["workers"]?[0]?["id"]?.stringValue == id)
            #expect(again.json?["workers"]?[0]?["state"]?.stringValue == "resumed")
            #expect(await h.inspect(id)?.state.status == "running")
            let result = try await h.invoke(host: try #require(worker["host"]?.stringValue), port: 8080, payload: "{}")
            #expect(result.status == 200)
        }
    }

    @Test func anIdleWorkerIsStoppedAndRemovedAfterADecimalIdleTimeout() async throws {
        let fn = ManagerHarness.uniqueFunction("idle")
        // IDLE_TIMEOUT_MINUTES=0.05 is 3 seconds.
        try await ManagerHarness(functions: [ManagerHarness.echo(fn)], environment: ["IDLE_TIMEOUT_MINUTES": "0.05"])
            .run { (h: ManagerHarness) async throws in
                #expect(h.settings.idleTimeout == .seconds(3))
                let id = try #require(await h.lease(fn).json?["workers"]?[0]?["id"]?.stringValue)
                let released = ContinuousClock.now
                _ = await h.heartbeat(released: [id])
                try await waitUntil("idle removal") { await h.inspect(id) == nil }
                #expect(ContinuousClock.now - released >= .seconds(3))
                // Docker forgets the container a moment before the manager's remove call returns and its table
                // drops the worker; on a loaded machine that moment is long enough to list it.
                try await waitUntil("the manager to drop the removed worker") { await h.listed().isEmpty }
                #expect(await h.heartbeat(leased: [id]) == [id])
            }
    }

    @Test func aLongInvocationHeldByHeartbeatsIsNeitherPausedNorStopped() async throws {
        let fn = ManagerHarness.uniqueFunction("long")
        // A 3 s lease renewed every 300 ms: ten heartbeats of margin, so a loaded machine that delays a few of them
        // does not lapse the lease (which is what the test would then wrongly report).
        let env = ["LEASE_TIMEOUT_SECONDS": "3", "PAUSE_IDLE_SECONDS": "0.5", "IDLE_TIMEOUT_MINUTES": "0.02"]
        try await ManagerHarness(functions: [ManagerHarness.echo(fn)], environment: env).run {
            (h: ManagerHarness) async throws in
            let worker = try #require(await h.lease(fn).json?["workers"]?[0])
            let id = try #require(worker["id"]?.stringValue)
            let host = try #require(worker["host"]?.stringValue)
            // The invocation runs 8 s: far past the lease timeout (3 s), pause (0.5 s) and idle (1.2 s) thresholds.
            let invocation = Task { try await h.invoke(host: host, port: 8080, payload: #"{"sleep": 8}"#) }
            let heartbeats = Task {
                while !Task.isCancelled {
                    _ = await h.heartbeat(leased: [id])
                    try? await Task.sleep(for: .milliseconds(300))
                }
            }
            var sawTrouble = false
            for _ in 0..<80 {
                if let state = await h.inspect(id)?.state, state.paused || !state.running { sawTrouble = true }
                try await Task.sleep(for: .milliseconds(100))
            }
            let result = try await invocation.value
            heartbeats.cancel()
            #expect(!sawTrouble)
            #expect(result.status == 200)
            // Once released (no more heartbeats), it idles away.
            _ = await h.heartbeat(released: [id])
            try await waitUntil("idle removal after release") { await h.inspect(id) == nil }
        }
    }

    @Test func aKilledWorkerIsNoticedForgottenAndRevoked() async throws {
        let fn = ManagerHarness.uniqueFunction("killed")
        try await ManagerHarness(functions: [ManagerHarness.echo(fn)]).run { (h: ManagerHarness) async throws in
            let id = try #require(await h.lease(fn).json?["workers"]?[0]?["id"]?.stringValue)
            try await h.docker.killContainer(id)
            try await waitUntil("the worker to be forgotten") { await h.listed().isEmpty }
            #expect(await h.heartbeat(leased: [id]) == [id])
            try await waitUntil("the dead container to be removed") { await h.inspect(id) == nil }
            // The slot is free again: a new worker comes up.
            #expect(await h.lease(fn).json?["workers"]?[0]?["state"]?.stringValue == "new")
        }
    }

    @Test func publishedModeHandsOutLoopbackAndARandomHostPort() async throws {
        let fn = ManagerHarness.uniqueFunction("published")
        try await ManagerHarness(
            functions: [ManagerHarness.echo(fn)], environment: ["WORKER_ADDRESS_MODE": "published"]
        ).run { (h: ManagerHarness) async throws in
            let worker = try #require(await h.lease(fn).json?["workers"]?[0])
            #expect(worker["host"]?.stringValue == "127.0.0.1")
            let port = try #require(worker["port"]?.intValue)
            #expect(port != 8080 && port > 1024)
            let result = try await h.invoke(host: "127.0.0.1", port: port, payload: #"{"a":1}"#)
            #expect(result.status == 200)
        }
    }

    @Test func deleteStopsAndRemovesOneWorker() async throws {
        let fn = ManagerHarness.uniqueFunction("delete")
        try await ManagerHarness(functions: [ManagerHarness.echo(fn)]).run { (h: ManagerHarness) async throws in
            let id = try #require(await h.lease(fn).json?["workers"]?[0]?["id"]?.stringValue)
            #expect(await h.call("DELETE", "/v1/workers/\(id)").status == 204)
            #expect(await h.inspect(id) == nil)
            #expect(await h.listed().isEmpty)
            #expect(await h.call("DELETE", "/v1/workers/\(id)").status == 404)
        }
    }

    @Test func minWarmWorkersAreStartedAtStartAndKeptReleased() async throws {
        let fn = ManagerHarness.uniqueFunction("warm")
        let control = ManagerHarness.uniqueFunction("control")
        let env = ["IDLE_TIMEOUT_MINUTES": "0.02", "PAUSE_IDLE_SECONDS": "0.5"]
        let functions = [ManagerHarness.echo(fn, minWarm: 2), ManagerHarness.echo(control)]
        try await ManagerHarness(functions: functions, environment: env).run { (h: ManagerHarness) async throws in
            try await waitUntil("two warm workers") {
                await h.listed().filter { $0["state"]?.stringValue == "running" }.count == 2
            }
            // Evidence that the idle sweep ran past the pause and idle thresholds (instead of a sleep that passes
            // if it never ran): a released worker of a function without min_warm is stopped meanwhile.
            let controlID = try #require(await h.lease(control).json?["workers"]?[0]?["id"]?.stringValue)
            _ = await h.heartbeat(released: [controlID])
            try await waitUntil("the released control worker to be stopped", timeout: .seconds(30)) {
                await h.listed().allSatisfy { $0["function"]?.stringValue != control }
            }
            let listed = await h.listed()
            #expect(listed.count == 2)
            #expect(listed.allSatisfy { $0["state"]?.stringValue == "running" && $0["leased"]?.boolValue == false })
            let leased = await h.lease(fn, count: 2)
            #expect(leased.json?["workers"]?.arrayValue?.allSatisfy { $0["state"]?.stringValue == "warm" } == true)
        }
    }

    /// docs/contract.md §2.1: function names are case-sensitive (`.` accepted for older configs); the container
    /// name keeps the case, and the default image is the name in lower case (Docker image names are lower case,
    /// docs/configuration.md). A real container with such a name, started from that default image, answers.
    @Test func aMixedCaseDottedFunctionKeepsItsCaseAndRunsFromItsLowerCaseDefaultImage() async throws {
        let fn = "Mixed.Case_\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        let image = "\(fn.lowercased()):latest"
        #expect(FunctionConfig(name: fn).image == image)
        #expect(await sh("docker tag \(ManagerHarness.image) \(image)").status == 0)
        let function = FunctionConfig(name: fn, environment: ["GREETING": "hi"], timeout: 30, memorySize: 128)
        let outcome: Result<Void, any Error>
        do {
            try await ManagerHarness(functions: [function]).run { (h: ManagerHarness) async throws in
                try await Self.checkMixedCase(fn, on: h)
            }
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        _ = await sh("docker rmi \(image)")  // the tag only; the echo image stays
        try outcome.get()
    }

    private static func checkMixedCase(_ fn: String, on h: ManagerHarness) async throws {
        let answer = await h.lease(fn)
        #expect(answer.status == 201)
        let worker = try #require(answer.json?["workers"]?[0])
        let name = try #require(worker["name"]?.stringValue)
        #expect(name.hasPrefix("esb-\(fn)-") && name.count == "esb-\(fn)-".count + 8)
        let id = try #require(worker["id"]?.stringValue)
        let details = try #require(await h.inspect(id))
        #expect(details.name == name)
        #expect(details.labels["esb.function"] == fn)
        #expect(details.environment.contains("AWS_LAMBDA_FUNCTION_NAME=\(fn)"))
        let host = try #require(worker["host"]?.stringValue)
        let result = try await h.invoke(host: host, port: 8080, payload: "{}")
        #expect(result.status == 200)
        let body = try JSONValue(parsing: try #require(JSONValue(parsing: result.body)["body"]?.stringValue))
        #expect(body["env"]?["AWS_LAMBDA_FUNCTION_NAME"]?.stringValue == fn)
        // Names differing only in case are two functions: the lower-case one is unknown here.
        #expect(await h.lease(fn.lowercased()).status == 404)
    }
}
