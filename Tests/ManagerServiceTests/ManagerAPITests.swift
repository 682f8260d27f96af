import ESBTestSupport
import BoxCore
import DockerEngine
import Foundation
import HTTP1
import Reactor
import Testing
@testable import ManagerService

/// The API surface, adoption after a restart, configuration changes and the HTTP wiring, against the real
/// dockerd and RIE.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ManagerAPITests {
    @Test func theTokenIsRequiredEverywhereButHealth() async throws {
        let fn = ManagerHarness.uniqueFunction("token")
        try await ManagerHarness(functions: [ManagerHarness.echo(fn)]).run { (h: ManagerHarness) async throws in
            for (method, path) in [
                ("POST", "/v1/functions/\(fn)/workers"), ("GET", "/v1/workers"), ("POST", "/v1/workers/heartbeat"),
                ("DELETE", "/v1/workers/abc"), ("POST", "/containers/ensure"),
            ] {
                let wrong = await h.call(method, path, body: "{}", token: "wrong")
                #expect(wrong.status == 401, "\(method) \(path)")
                #expect(wrong.json?["message"]?.stringValue == "Unauthorized")
                #expect(await h.call(method, path, body: "{}", token: nil).status == 401)
            }
            let health = await h.call("GET", "/health", token: nil)
            #expect(health.status == 200 && health.json?["status"]?.stringValue == "healthy")
            #expect(try await h.containers().isEmpty)
        }
    }

    @Test func errorsAreJSONWithTheDocumentedStatuses() async throws {
        let fn = ManagerHarness.uniqueFunction("errors")
        try await ManagerHarness(functions: [ManagerHarness.echo(fn)]).run { (h: ManagerHarness) async throws in
            let unknown = await h.lease("no-such-function")
            #expect(unknown.status == 404)
            #expect(unknown.json?["message"]?.stringValue == "Function not found: no-such-function")
            #expect(await h.call("POST", "/v1/functions/\(fn)/workers", body: "{\"count\":0}").status == 400)
            #expect(await h.call("POST", "/v1/functions/\(fn)/workers", body: "not json").status == 400)
            #expect(await h.call("POST", "/v1/workers/heartbeat", body: #"{"leased":"x"}"#).status == 400)
            #expect(await h.call("GET", "/v1/functions/\(fn)/workers").status == 405)
            #expect(await h.call("GET", "/v1/nothing").status == 404)
            #expect(await h.call("POST", "/containers/ensure", body: "{}").status == 400)
            // An empty body leases one worker.
            #expect(await h.call("POST", "/v1/functions/\(fn)/workers").status == 201)
        }
    }

    @Test func aMissingImageIs404WithTheImageName() async throws {
        let fn = ManagerHarness.uniqueFunction("noimage")
        let image = "esb-test/\(fn):missing"
        try await ManagerHarness(functions: [ManagerHarness.echo(fn, image: image)]).run {
            (h: ManagerHarness) async throws in
            let answer = await h.lease(fn)
            #expect(answer.status == 404)
            #expect(answer.json?["image"]?.stringValue == image)
            #expect(answer.json?["message"]?.stringValue?.contains(image) == true)
            #expect(await h.listed().isEmpty)
            #expect(try await h.containers().isEmpty)
        }
    }

    @Test func aRestartAdoptsMatchingWorkersAndRemovesForeignOrStaleOnes() async throws {
        let fn = ManagerHarness.uniqueFunction("adopt")
        let instance = "test-adopt-\(UInt32.random(in: 0...UInt32.max))"
        let first = try await ManagerHarness(functions: [ManagerHarness.echo(fn)], instance: instance)
        let workers = await first.lease(fn, count: 2).json?["workers"]?.arrayValue ?? []
        let ids = workers.compactMap { $0["id"]?.stringValue }
        #expect(ids.count == 2)
        let host = workers.first?["host"]?.stringValue ?? ""
        // Containers the next manager must not adopt: a stale hash, an unknown function, an exited worker.
        let docker = first.docker
        func planted(_ function: String, hash: String, run: Bool, instance: String = instance) async throws -> String {
            let spec = ContainerSpec(
                image: ManagerHarness.baseImage,
                labels: [
                    "esb.managed": "true", "esb.function": function, "esb.config": hash, "esb.instance": instance,
                ],
                entrypoint: ["/bin/sh", "-c", run ? "sleep 300" : "exit 0"])
            let id = try await docker.createContainer(
                name: "esb-\(function)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))", spec: spec)
            try await docker.startContainer(id)
            return id
        }
        let currentHash = try #require(await first.listed().first?["config"]?.stringValue)
        let stale = try await planted(fn, hash: String(repeating: "0", count: 64), run: true)
        let foreign = try await planted("someone-else", hash: currentHash, run: true)
        let exited = try await planted(fn, hash: currentHash, run: false)
        _ = try await docker.waitContainer(exited)
        // Another box's worker on the same daemon: never ours to adopt or remove.
        let neighbour = try await planted(
            fn, hash: String(repeating: "0", count: 64), run: true, instance: instance + "-other")
        await first.service.shutdown()

        // The "restarted" manager: same instance, same functions; a short lease timeout bounds the adoption hold
        // (long enough that the start-up removals on a loaded CI machine finish well inside it).
        try await ManagerHarness(
            functions: [ManagerHarness.echo(fn)], environment: ["LEASE_TIMEOUT_SECONDS": "10"], instance: instance
        ).run { (h: ManagerHarness) async throws in
            let listed = await h.listed()
            #expect(Set(listed.compactMap { $0["id"]?.stringValue }) == Set(ids))
            // Held until a gateway's heartbeat claims them; whose they are is not known yet.
            #expect(listed.allSatisfy { $0["leased"]?.boolValue == true && $0["holder"]?.isNull == true })
            for id in [stale, foreign, exited] { #expect(await h.inspect(id) == nil) }
            #expect(await h.inspect(neighbour)?.state.running == true)
            try? await h.docker.removeContainer(neighbour, force: true)
            // The gateway still holds the first one and claims it. The other one may belong to a gateway whose
            // first heartbeat is still to come: it stays held until the adoption hold lapses (10 s here).
            #expect(await h.heartbeat(leased: [ids[0]]).isEmpty)
            func entry(_ id: String) async -> JSONValue? { await h.listed().first { $0["id"]?.stringValue == id } }
            #expect(await entry(ids[0])?["holder"]?.stringValue == "default")
            #expect(await entry(ids[1])?["leased"]?.boolValue == true)
            try await waitUntil("the unclaimed adoption to lapse", timeout: .seconds(30)) {
                await entry(ids[1])?["leased"]?.boolValue == false
            }
            #expect(await entry(ids[1])?["holder"]?.isNull == true)
            #expect(await h.heartbeat(leased: [ids[0]]).isEmpty)
            // The adopted worker still serves, and the released one is handed out warm.
            #expect(try await h.invoke(host: host, port: 8080, payload: "{}").status == 200)
            let warm = await h.lease(fn)
            #expect(warm.json?["workers"]?[0]?["id"]?.stringValue == ids[1])
            #expect(warm.json?["workers"]?[0]?["state"]?.stringValue == "warm")
        }
        await first.finish()
    }

    /// docs/contract.md §4.4 "running (or paused) ones ... are adopted": a worker the first manager paused (released
    /// and idle) is adopted paused by the next one, stays paused while nobody uses it, and is resumed and handed
    /// out warm by the next lease once the adoption hold lapses (docs/manager.md, "Leases and idle").
    @Test func aPausedWorkerIsAdoptedPausedAndResumedByTheNextLease() async throws {
        let fn = ManagerHarness.uniqueFunction("adopt-paused")
        let instance = "test-adopt-paused-\(UInt32.random(in: 0...UInt32.max))"
        let functions = [ManagerHarness.echo(fn, maxConcurrency: 1)]
        let first = try await ManagerHarness(
            functions: functions, environment: ["PAUSE_IDLE_SECONDS": "0.2"], instance: instance)
        let worker = try #require(await first.lease(fn).json?["workers"]?[0])
        let id = try #require(worker["id"]?.stringValue)
        let host = try #require(worker["host"]?.stringValue)
        _ = await first.heartbeat(released: [id])
        try await waitUntil("the first manager to pause the released worker") {
            await first.listed().first?["state"]?.stringValue == "paused"
        }
        await first.service.shutdown()
        #expect(await first.inspect(id)?.state.paused == true)  // a stopping manager leaves its workers as they are

        try await ManagerHarness(
            functions: functions, environment: ["LEASE_TIMEOUT_SECONDS": "1"], instance: instance
        ).run { (h: ManagerHarness) async throws in
            let listed = await h.listed()
            #expect(listed.compactMap { $0["id"]?.stringValue } == [id])
            #expect(listed.first?["state"]?.stringValue == "paused")
            #expect(await h.inspect(id)?.state.paused == true)
            try await waitUntil("the adoption hold to lapse") {
                await h.listed().first?["leased"]?.boolValue == false
            }
            #expect(await h.inspect(id)?.state.paused == true)  // no pause tier here, but nothing resumes it idly
            // max_concurrency 1: the paused worker is the only one the function may have, so it must be resumed.
            let again = await h.lease(fn)
            #expect(again.status == 201)
            #expect(again.json?["workers"]?[0]?["id"]?.stringValue == id)
            #expect(again.json?["workers"]?[0]?["state"]?.stringValue == "resumed")
            #expect(await h.inspect(id)?.state.status == "running")
            #expect(try await h.invoke(host: host, port: 8080, payload: "{}").status == 200)
        }
        await first.finish()
    }

    /// Bug B1: a second gateway on the same manager saw the first one's busy worker in `GET /v1/workers`,
    /// listed it in its heartbeat, and the manager let it take the lease over: overlapping invocations
    /// killed the RIE. Leases now belong to one gateway (`X-ESB-Gateway`).
    @Test func aSecondGatewayCannotTakeOverTheFirstOnesWorker() async throws {
        let fn = ManagerHarness.uniqueFunction("twogw")
        try await ManagerHarness(functions: [ManagerHarness.echo(fn, maxConcurrency: 1)]).run {
            (h: ManagerHarness) async throws in
            let first = await h.lease(fn, gateway: "gw1")
            #expect(first.status == 201)
            let worker = try #require(first.json?["workers"]?[0])
            let id = try #require(worker["id"]?.stringValue)
            func entry() async -> JSONValue? { await h.listed().first { $0["id"]?.stringValue == id } }
            // GET /v1/workers says whose it is.
            #expect(await entry()?["leased"]?.boolValue == true)
            #expect(await entry()?["holder"]?.stringValue == "gw1")
            // gw2 lists it in its heartbeat (as the old rebuild did): revoked for gw2, still gw1's.
            #expect(await h.heartbeat(leased: [id], gateway: "gw2") == [id])
            #expect(await entry()?["holder"]?.stringValue == "gw1")
            let warning = try await h.logs.first {
                $0["message"]?.stringValue?.hasPrefix("heartbeat lists a worker another") == true
            }
            #expect(warning["gateway"]?.stringValue == "gw2" && warning["holder"]?.stringValue == "gw1")
            // gw2 asks for a worker itself: at max_concurrency 1 there is none for it.
            let refused = await h.lease(fn, gateway: "gw2")
            #expect(refused.status == 201)
            #expect(
                refused.json?["workers"]?.arrayValue?.isEmpty == true
                    && refused.json?["limit_reached"]?.boolValue == true)
            // gw2 "releasing" it changes nothing; gw1 renews and still invokes it.
            #expect(await h.heartbeat(released: [id], gateway: "gw2").isEmpty)
            #expect(await h.heartbeat(leased: [id], gateway: "gw1").isEmpty)
            #expect(await entry()?["holder"]?.stringValue == "gw1")
            let host = try #require(worker["host"]?.stringValue), port = try #require(worker["port"]?.intValue)
            #expect(try await h.invoke(host: host, port: port, payload: "{}").status == 200)
            // A caller without the header is the gateway "default": not gw1 either.
            #expect(await h.heartbeat(leased: [id]) == [id])
            // Once gw1 releases it, gw2 gets it warm and holds it.
            _ = await h.heartbeat(released: [id], gateway: "gw1")
            let handedOver = await h.lease(fn, gateway: "gw2")
            #expect(handedOver.json?["workers"]?[0]?["id"]?.stringValue == id)
            #expect(handedOver.json?["workers"]?[0]?["state"]?.stringValue == "warm")
            #expect(await entry()?["holder"]?.stringValue == "gw2")
            #expect(await h.heartbeat(leased: [id], gateway: "gw1") == [id])
            // An identity over 256 bytes is refused.
            #expect(await h.lease(fn, gateway: String(repeating: "g", count: 257)).status == 400)
        }
    }

    @Test func aConfigurationChangeRetiresOldWorkersAfterTheirLease() async throws {
        let fn = ManagerHarness.uniqueFunction("reload")
        try await ManagerHarness(functions: [ManagerHarness.echo(fn)]).run { (h: ManagerHarness) async throws in
            let leased = try #require(await h.lease(fn).json?["workers"]?[0]?["id"]?.stringValue)
            let spare = try #require(await h.lease(fn).json?["workers"]?[0]?["id"]?.stringValue)
            _ = await h.heartbeat(leased: [leased], released: [spare])
            await h.service.reload(
                FunctionsConfig(functions: [ManagerHarness.echo(fn, environment: ["GREETING": "changed"])]))
            // The released one goes at once; the leased one is revoked and kept until the gateway lets go.
            try await waitUntil("the released old worker to go") { await h.inspect(spare) == nil }
            #expect(await h.heartbeat(leased: [leased]) == [leased])
            #expect(await h.inspect(leased)?.state.running == true)
            let fresh = await h.lease(fn)
            #expect(fresh.json?["workers"]?[0]?["state"]?.stringValue == "new")
            let freshID = try #require(fresh.json?["workers"]?[0]?["id"]?.stringValue)
            #expect(await h.inspect(freshID)?.environment.contains("GREETING=changed") == true)
            _ = await h.heartbeat(leased: [freshID])
            try await waitUntil("the revoked worker to go") { await h.inspect(leased) == nil }
        }
    }

    @Test func theEnsureCallOfTheReferenceReusesOneWorker() async throws {
        let fn = ManagerHarness.uniqueFunction("ensure")
        try await ManagerHarness(functions: [ManagerHarness.echo(fn, maxConcurrency: 1)]).run {
            (h: ManagerHarness) async throws in
            let body = #"{"function_name":"\#(fn)","image":"ignored:latest","env":{"X":"ignored"}}"#
            let first = await h.call("POST", "/containers/ensure", body: body)
            #expect(first.status == 200)
            let host = try #require(first.json?["host"]?.stringValue)
            #expect(first.json?["port"]?.intValue == 8080)
            let second = await h.call("POST", "/containers/ensure", body: body)
            #expect(second.json?["host"]?.stringValue == host)
            #expect(try await h.containers().count == 1)
            #expect(try await h.invoke(host: host, port: 8080, payload: "{}").status == 200)
            #expect(await h.call("POST", "/containers/ensure", body: #"{"function_name":"nope"}"#).status == 404)
            // At the function's limit with its only worker leased to the gateway, ensure answers 429.
            _ = await h.call("DELETE", "/v1/workers/\(try #require(await h.listed().first?["id"]?.stringValue))")
            #expect(await h.lease(fn).status == 201)
            #expect(await h.call("POST", "/containers/ensure", body: body).status == 429)
        }
    }

    @Test func theAPIIsServedOverAUnixSocketByReactorsServer() async throws {
        let fn = ManagerHarness.uniqueFunction("wire")
        let socket = "/tmp/esb-manager-test-\(UInt32.random(in: 0...UInt32.max)).sock"
        try await ManagerHarness(
            functions: [ManagerHarness.echo(fn)], environment: ["MANAGER_LISTEN": "unix://\(socket)"]
        ).run { (h: ManagerHarness) async throws in
            #expect(h.settings.listen == .unix(path: socket))
            let service = h.service
            let server = HTTPServer(configuration: HTTPServerConfiguration(listen: h.settings.listen)) { request, _ in
                await service.handle(request)
            }
            try server.start()
            let endpoint = HTTPEndpoint(unixPath: socket)
            let health = try await h.http.execute(
                HTTPRequest(method: "GET", target: "/health"), to: endpoint, timeout: .seconds(10))
            #expect(health.status == 200)
            #expect(health.headers["X-Request-Id"]?.isEmpty == false)
            let lease = HTTPRequest(
                method: "POST", target: "/v1/functions/\(fn)/workers",
                headers: [
                    "X-ESB-Token": ManagerHarness.token, "Content-Type": "application/json", "X-Request-Id": "req-42",
                ],
                body: Array(#"{"count":1}"#.utf8))
            let answer = try await h.http.execute(lease, to: endpoint, timeout: .seconds(60))
            #expect(answer.status == 201)
            #expect(answer.headers["X-Request-Id"] == "req-42")
            #expect(answer.headers["Content-Type"] == "application/json")
            let unauthorized = try await h.http.execute(
                HTTPRequest(method: "GET", target: "/v1/workers"), to: endpoint, timeout: .seconds(10))
            #expect(unauthorized.status == 401)
            await server.shutdown(gracePeriod: .seconds(2))
        }
    }
}
