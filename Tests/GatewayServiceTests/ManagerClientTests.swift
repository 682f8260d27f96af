import HTTP1
import Testing
@testable import GatewayService

/// `ManagerClient` against the answers docs/manager-api.md documents (served by `StandInPeers`' Manager stand-in and
/// by canned responses), and the `MANAGER_URL` forms.
@Suite(.timeLimit(.minutes(5))) struct ManagerClientTests {
    @Test(arguments: [
        ("http://esb-manager:8081", HTTPEndpoint(host: "esb-manager", port: 8081)),
        ("http://127.0.0.1:8081/", HTTPEndpoint(host: "127.0.0.1", port: 8081)),
        ("http://manager", HTTPEndpoint(host: "manager", port: 80)),
        ("http://[::1]:9000", HTTPEndpoint(host: "::1", port: 9000)),
        ("unix:///run/esb/manager.sock", HTTPEndpoint(unixPath: "/run/esb/manager.sock")),
    ])
    func managerURLs(url: String, expected: HTTPEndpoint) {
        #expect(ManagerClient.endpoint(managerURL: url) == expected)
    }

    @Test(arguments: [
        "https://m:1", "http://m:0", "http://m:99999", "http://m:1/path", "unix://relative", "m:8081", "http://",
        "http://user@m:1",
    ])
    func badManagerURLs(url: String) {
        #expect(ManagerClient.endpoint(managerURL: url) == nil)
    }

    @Test(arguments: [
        (404, #"{"message":"Function not found: image-resizer"}"#, ManagerClientError.unknownFunction("image-resizer")),
        (404, #"{"message":"Image not found: img:1","image":"img:1"}"#, .imageMissing("img:1")),
        (503, #"{"message":"docker is unreachable"}"#, .dockerUnavailable("docker is unreachable")),
        (401, #"{"message":"Unauthorized"}"#, .unauthorized),
        (400, #"{"message":"bad count"}"#, .rejected(status: 400, message: "bad count")),
        (500, "oops", .rejected(status: 500, message: "oops")),
    ])
    func errorStatuses(status: Int, body: String, expected: ManagerClientError) {
        let response = HTTPResponse(status: status, body: Array(body.utf8))
        #expect(ManagerClient.failure(response, function: "image-resizer") == expected)
    }

    @Test func acquireHeartbeatDeleteAndListRoundTrip() async throws {
        let peers = StandInPeers()
        let client = ManagerClient(url: StandInPeers.managerURL, token: "token", transport: peers)
        let reply = try await client.acquireWorkers(function: "echo", count: 2)
        #expect(reply.workers.map(\.id) == ["w1", "w2"] && !reply.limitReached)
        #expect(reply.workers.first?.endpoint == HTTPEndpoint(host: "w1.test", port: 8080))
        let more = try await client.acquireWorkers(function: "echo", count: 3)
        #expect(more.workers.count == 2 && more.limitReached)
        peers.state.withLock { $0.revokeNext = ["w3"] }
        #expect(try await client.heartbeat(leased: ["w1", "w3"], released: ["w2"]).revoked == ["w3"])
        #expect(peers.state.withLock { $0.heartbeats.last?.released } == ["w2"])
        try await client.deleteWorker(id: "w1")
        #expect(peers.state.withLock { $0.deletes } == ["w1"])
        peers.state.withLock {
            $0.listed = [ManagerWorker(id: "a", host: "h", port: 1, state: "running", function: "echo", leased: true)]
        }
        #expect(try await client.listWorkers().map(\.id) == ["a"])
    }

    @Test func transportFailuresAreUnreachableAndAWrongTokenIsUnauthorized() async {
        let peers = StandInPeers()
        let wrong = ManagerClient(url: StandInPeers.managerURL, token: "nope", transport: peers)
        await #expect(throws: ManagerClientError.unauthorized) { try await wrong.listWorkers() }
        peers.state.withLock { $0.managerUp = false }
        let client = ManagerClient(url: StandInPeers.managerURL, token: "token", transport: peers)
        await #expect { try await client.heartbeat(leased: [], released: []) } throws: {
            if case ManagerClientError.unreachable = $0 { true } else { false }
        }
        let bad = ManagerClient(url: "ftp://x", token: "token", transport: peers)
        await #expect { try await bad.deleteWorker(id: "w1") } throws: {
            if case ManagerClientError.unreachable = $0 { true } else { false }
        }
    }
}
