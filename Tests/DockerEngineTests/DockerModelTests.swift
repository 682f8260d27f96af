import Foundation
import Testing
@testable import DockerEngine

@Suite(.timeLimit(.minutes(5))) struct DockerModelTests {
    @Test(arguments: [
        (
            "unix:///var/run/docker.sock",
            DockerHost.Endpoint.unixSocket(path: "/var/run/docker.sock") as DockerHost.Endpoint?
        ),
        ("unix:///tmp/x.sock", .unixSocket(path: "/tmp/x.sock")),
        ("tcp://127.0.0.1:2375", .tcp(host: "127.0.0.1", port: 2375)),
        ("tcp://docker:2375/", .tcp(host: "docker", port: 2375)),
        ("unix://relative", nil),
        ("ssh://host", nil),
        ("tcp://nohost", nil),
        ("tcp://:2375", nil),
    ])
    func dockerHostParsing(value: String, expected: DockerHost.Endpoint?) {
        #expect(DockerHost(parsing: value)?.endpoint == expected)
    }

    @Test func dockerHostFromEnvironment() throws {
        #expect(try DockerHost.fromEnvironment([:]) == .defaultSocket)
        #expect(try DockerHost.fromEnvironment(["DOCKER_HOST": ""]) == .defaultSocket)
        #expect(try DockerHost.fromEnvironment(["DOCKER_HOST": "unix:///a.sock"]).description == "unix:///a.sock")
        #expect(throws: DockerError.self) { try DockerHost.fromEnvironment(["DOCKER_HOST": "npipe:////./pipe"]) }
    }

    @Test(arguments: [
        ("1.41", "1.41", "1.41"), ("1.43", "1.41", "1.41"), ("1.40", "1.41", "1.40"), ("1.9", "1.41", "1.9"),
    ])
    func versionNegotiationPicksTheLower(daemon: String, mine: String, expected: String) {
        #expect(DockerClient.lowerVersion(daemon, mine) == expected)
    }

    @Test func queryValuesArePercentEncoded() {
        #expect(
            DockerClient.queryString([("filters", #"{"label":["a=b"]}"#), ("all", "1")])
                == "?filters=%7B%22label%22%3A%5B%22a%3Db%22%5D%7D&all=1")
        #expect(DockerClient.queryString([]) == "")
    }

    @Test func containerSpecEncodesDockerKeys() throws {
        let spec = ContainerSpec(
            image: "img:1", environment: ["A=1"], labels: ["esb.managed": "true"], memoryBytes: 128 << 20,
            network: "net",
            publishedPorts: ["8080/tcp": .init(hostIP: "127.0.0.1")])
        let json = try JSONSerialization.jsonObject(with: Data(DockerJSON.encode(spec))) as? [String: Any]
        let host = json?["HostConfig"] as? [String: Any]
        #expect(json?["Image"] as? String == "img:1")
        #expect(json?["Env"] as? [String] == ["A=1"])
        #expect((json?["ExposedPorts"] as? [String: Any])?.keys.sorted() == ["8080/tcp"])
        #expect(host?["Memory"] as? Int == 128 << 20)
        #expect((host?["RestartPolicy"] as? [String: String]) == ["Name": "no"])
        #expect(host?["NetworkMode"] as? String == "net")
        let bindings = (host?["PortBindings"] as? [String: [[String: String]]])?["8080/tcp"]
        #expect(bindings == [["HostIp": "127.0.0.1", "HostPort": ""]])
        let endpoints = (json?["NetworkingConfig"] as? [String: Any])?["EndpointsConfig"] as? [String: Any]
        #expect(endpoints?.keys.sorted() == ["net"])
        #expect(host?["LogConfig"] == nil)
    }

    @Test func containerSpecEncodesTheLogConfig() throws {
        let spec = ContainerSpec(
            image: "img:1", logConfig: .init(type: "json-file", options: ["max-size": "10m", "max-file": "3"]))
        let json = try JSONSerialization.jsonObject(with: Data(DockerJSON.encode(spec))) as? [String: Any]
        let log = (json?["HostConfig"] as? [String: Any])?["LogConfig"] as? [String: Any]
        #expect(log?["Type"] as? String == "json-file")
        #expect(log?["Config"] as? [String: String] == ["max-size": "10m", "max-file": "3"])
    }

    @Test func inspectAnswerDecodes() throws {
        let body = #"""
            {"Id":"abc","Name":"/esb-f-1","Created":"2026-01-01T00:00:00.1Z","Image":"sha256:1",
             "State":{"Status":"running","Running":true,"Paused":false,"OOMKilled":false,"ExitCode":0},
             "Config":{"Image":"img:1","Labels":{"esb.managed":"true"},"Env":["A=1"]},
             "NetworkSettings":{"Ports":{"8080/tcp":[{"HostIp":"127.0.0.1","HostPort":"49153"}],"9000/tcp":null},
                                "Networks":{"esb-lambda":{"IPAddress":"172.18.0.2","NetworkID":"n1"}}}}
            """#
        let details = try DockerJSON.decode(ContainerDetails.self, from: Array(body.utf8), what: "test")
        #expect(details.name == "esb-f-1")
        #expect(details.state.running && !details.state.paused)
        #expect(details.networks["esb-lambda"]?.ipAddress == "172.18.0.2")
        #expect(details.publishedPorts["8080/tcp"]?.first?.hostPort == 49153)
        #expect(details.publishedPorts["9000/tcp"] == nil)
        #expect(details.labels["esb.managed"] == "true")
    }

    @Test func errorBodiesBecomeTypedErrors() {
        let notFound = DockerError.fromResponse(
            status: 404, body: Array(#"{"message":"No such image: x:latest"}"#.utf8))
        #expect(notFound.code == .notFound && notFound.message == "No such image: x:latest")
        #expect(DockerError.fromResponse(status: 409, body: []).code == .conflict)
        let other = DockerError.fromResponse(status: 500, body: Array("plain text\n".utf8))
        #expect(other.code == .other && other.status == 500 && other.message == "plain text")
    }
}
