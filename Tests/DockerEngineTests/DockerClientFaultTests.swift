import DockerEngine
import Foundation
import Testing

/// Faults the real daemon cannot produce on cue, against `DockerAPIStandIn` (which stands in for dockerd's
/// socket). Everything else is tested against the real daemon in `DockerClientIntegrationTests`.
@Suite(.timeLimit(.minutes(5))) struct DockerClientFaultTests {
    static func version(_ api: String) -> [UInt8] {
        DockerAPIStandIn.response(
            200, #"{"Version":"99.0","ApiVersion":"\#(api)","MinAPIVersion":"1.12","Os":"linux","Arch":"amd64"}"#)
    }

    @Test func anOlderDaemonsAPIVersionIsUsed() async throws {
        let standIn = try DockerAPIStandIn { line in
            line.hasPrefix("GET /version")
                ? (Self.version("1.40"), false) : (DockerAPIStandIn.response(200, "[]"), false)
        }
        defer { standIn.stop() }
        let client = DockerClient(host: DockerHost(endpoint: .unixSocket(path: standIn.path)))
        #expect(try await client.listContainers().isEmpty)
        #expect(try await client.apiVersion() == "1.40")
        #expect(standIn.received.contains { $0.hasPrefix("GET /v1.40/containers/json?all=1 ") })
    }

    @Test func aNewerDaemonIsSpokenToIn1_41() async throws {
        let standIn = try DockerAPIStandIn { line in
            line.hasPrefix("GET /version") ? (Self.version("1.45"), false) : (DockerAPIStandIn.response(204, ""), false)
        }
        defer { standIn.stop() }
        let client = DockerClient(host: DockerHost(endpoint: .unixSocket(path: standIn.path)))
        try await client.startContainer("x")
        #expect(standIn.received.contains { $0.hasPrefix("POST /v1.41/containers/x/start ") })
    }

    @Test(arguments: [
        (
            500, #"{"message":"driver failed programming external connectivity"}"#, DockerError.Code.other,
            "driver failed programming external connectivity"
        ),
        (400, #"{"message":"bad parameter"}"#, .other, "bad parameter"),
        (404, #"{"message":"No such container: x"}"#, .notFound, "No such container: x"),
        (409, #"{"message":"Container x is not running"}"#, .conflict, "Container x is not running"),
        (500, "plain text error", .other, "plain text error"),
    ])
    func errorStatusesBecomeTypedErrors(status: Int, body: String, code: DockerError.Code, message: String) async throws
    {
        let standIn = try DockerAPIStandIn { line in
            line.hasPrefix("GET /version")
                ? (Self.version("1.41"), false) : (DockerAPIStandIn.response(status, body), false)
        }
        defer { standIn.stop() }
        let client = DockerClient(host: DockerHost(endpoint: .unixSocket(path: standIn.path)))
        do {
            try await client.pauseContainer("x")
            Issue.record("no error")
        } catch {
            #expect(error.code == code && error.status == status && error.message == message)
        }
    }

    @Test func garbageIsAnInvalidResponse() async throws {
        let standIn = try DockerAPIStandIn { line in
            line.hasPrefix("GET /version")
                ? (Self.version("1.41"), false) : (DockerAPIStandIn.response(200, "{not json"), false)
        }
        defer { standIn.stop() }
        let client = DockerClient(host: DockerHost(endpoint: .unixSocket(path: standIn.path)))
        do {
            _ = try await client.inspectContainer("x")
            Issue.record("decoded garbage")
        } catch {
            #expect(error.code == .invalidResponse)
        }
    }

    @Test func anEventStreamCutMidwayDeliversWhatArrivedThenThrowsUnreachable() async throws {
        let event =
            #"{"Type":"container","Action":"die","Actor":{"ID":"abc","Attributes":{"exitCode":"137","name":"w"}},"timeNano":1}"#
        let standIn = try DockerAPIStandIn { line in
            if line.hasPrefix("GET /version") { return (Self.version("1.41"), false) }
            // A chunked answer whose connection drops before the terminating chunk, as when dockerd exits.
            let chunk = event + "\n"
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            let body = String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n"
            return (Array((head + body).utf8), true)
        }
        defer { standIn.stop() }
        let client = DockerClient(host: DockerHost(endpoint: .unixSocket(path: standIn.path)))
        var events: [DockerEvent] = []
        var failure: (any Error)?
        do {
            for try await e in client.events() { events.append(e) }
        } catch {
            failure = error
        }
        #expect(
            events == [
                DockerEvent(
                    type: "container", action: "die", actorID: "abc", attributes: ["exitCode": "137", "name": "w"],
                    timeNano: 1)
            ])
        #expect((failure as? DockerError)?.code == .daemonUnreachable)
    }
}
