import BoxCore
import Reactor
import Testing
@testable import ManagerService

@Suite(.timeLimit(.minutes(5))) struct ManagerSettingsTests {
    @Test func defaultsFollowSection4_1() throws {
        let s = try ManagerSettings(environment: [:])
        #expect(s.listen == .tcp(host: "0.0.0.0", port: 8081))
        #expect(s.network == "esb-lambda")
        #expect(s.idleTimeout == .seconds(300))
        #expect(s.pauseAfter == nil)
        #expect(s.addressMode == .network)
        #expect(s.functionsPath == "/app/config/functions.yml")
        #expect(s.readinessTimeout == .seconds(30))
        #expect(s.leaseTimeout == .seconds(30))
        #expect(s.dockerHost == "unix:///var/run/docker.sock")
        // docs/manager.md: the §3.1 default, so that a function's Lambda client reaches this box's gateway
        // (AWS_ENDPOINT_URL_LAMBDA) instead of AWS when the variable is not set.
        #expect(s.gatewayInternalURL == "https://esb-gateway:443")
        let env = WorkerBlueprint(function: FunctionConfig(name: "f"), imageID: nil, settings: s).environment
        #expect(env.contains("AWS_ENDPOINT_URL_LAMBDA=https://esb-gateway:443"))
        #expect(env.contains("GATEWAY_INTERNAL_URL=https://esb-gateway:443"))
        #expect(
            try ManagerSettings(environment: ["GATEWAY_INTERNAL_URL": " "]).gatewayInternalURL == s.gatewayInternalURL)
    }

    @Test(arguments: [
        ("IDLE_TIMEOUT_MINUTES", "0.05", Duration.seconds(3)),
        ("IDLE_TIMEOUT_MINUTES", "2", .seconds(120)),
        ("CONTAINER_READINESS_TIMEOUT", "1.5", .milliseconds(1500)),
        ("LEASE_TIMEOUT_SECONDS", "0.25", .milliseconds(250)),
        ("PAUSE_IDLE_SECONDS", "0.5", .milliseconds(500)),
    ])
    func decimalDurations(name: String, value: String, expected: Duration) throws {
        let s = try ManagerSettings(environment: [name: value])
        let actual: Duration? =
            switch name {
            case "IDLE_TIMEOUT_MINUTES": s.idleTimeout
            case "CONTAINER_READINESS_TIMEOUT": s.readinessTimeout
            case "LEASE_TIMEOUT_SECONDS": s.leaseTimeout
            default: s.pauseAfter
            }
        #expect(actual == expected)
    }

    /// docs/configuration.md: a value that would trap converting to a Duration is a named error instead.
    @Test(arguments: [
        ("IDLE_TIMEOUT_MINUTES", "1e300"), ("LEASE_TIMEOUT_SECONDS", "31536001"),
        ("PAUSE_IDLE_SECONDS", "1e20"), ("DOCKER_STOP_TIMEOUT", "99999999999"),
    ])
    func outOfRangeDurationsAreRefused(name: String, value: String) {
        do {
            _ = try ManagerSettings(environment: [name: value])
            Issue.record("\(name)=\(value) was accepted")
        } catch {
            #expect(error.problems.count == 1 && error.problems[0].hasPrefix("\(name)=\(value): "))
        }
    }

    @Test func listenAndModes() throws {
        let s = try ManagerSettings(environment: [
            "MANAGER_LISTEN": "unix:///run/esb/manager.sock", "WORKER_ADDRESS_MODE": "published",
            "PAUSE_IDLE_SECONDS": "10",
        ])
        #expect(s.listen == .unix(path: "/run/esb/manager.sock"))
        #expect(s.addressMode == .published)
        #expect(s.pauseAfter == .seconds(10))
    }

    @Test func everyBadValueIsReportedOnce() {
        #expect(throws: ManagerSettingsError.self) {
            try ManagerSettings(environment: ["IDLE_TIMEOUT_MINUTES": "soon"])
        }
        do {
            _ = try ManagerSettings(environment: [
                "IDLE_TIMEOUT_MINUTES": "-1", "WORKER_ADDRESS_MODE": "bridge", "MANAGER_LISTEN": "nowhere",
                "PAUSE_IDLE_SECONDS": "0",
            ])
            Issue.record("accepted")
        } catch {
            #expect(error.problems.count == 4)
            #expect(error.problems.contains { $0.hasPrefix("WORKER_ADDRESS_MODE=bridge") })
        }
    }
}

@Suite(.timeLimit(.minutes(5))) struct WorkerBlueprintTests {
    static let settings: ManagerSettings = {
        var s = ManagerSettings()
        s.s3Endpoint = "http://s3:9000"
        s.dynamoDBEndpoint = "http://db:8000"
        s.gatewayInternalURL = "https://gw:443"
        s.workerAccessKeyID = "AK"
        s.workerSecretAccessKey = "SK"
        return s
    }()

    @Test func theEnvironmentOfSection4_3() {
        let f = FunctionConfig(
            name: "f", environment: ["A": "1", "AWS_REGION": "eu-west-1", "AWS_LAMBDA_FUNCTION_NAME": "spoof"],
            timeout: 2.5, memorySize: 256, rieConcurrency: 3)
        let env = Set(WorkerBlueprint(function: f, imageID: nil, settings: Self.settings).environment)
        #expect(
            env == [
                "A=1", "AWS_LAMBDA_FUNCTION_NAME=f", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
                "AWS_LAMBDA_FUNCTION_TIMEOUT=3",
                "AWS_LAMBDA_MAX_CONCURRENCY=3", "AWS_REGION=eu-west-1", "AWS_DEFAULT_REGION=eu-west-1",
                "AWS_ENDPOINT_URL_S3=http://s3:9000", "AWS_ENDPOINT_URL_DYNAMODB=http://db:8000",
                "AWS_ENDPOINT_URL_LAMBDA=https://gw:443", "S3_ENDPOINT=http://s3:9000",
                "DYNAMODB_ENDPOINT=http://db:8000",
                "GATEWAY_INTERNAL_URL=https://gw:443", "AWS_ACCESS_KEY_ID=AK", "AWS_SECRET_ACCESS_KEY=SK",
            ])
    }

    @Test func theHashFollowsEverySettingThatShapesTheContainer() {
        let base = FunctionConfig(name: "f", image: "img:1", environment: ["A": "1"])
        func hash(_ f: FunctionConfig, imageID: String? = "sha256:1", settings: ManagerSettings = Self.settings)
            -> String
        {
            WorkerBlueprint(function: f, imageID: imageID, settings: settings).configHash
        }
        let h = hash(base)
        #expect(h.count == 64 && h == hash(base))
        var other = base
        other.environment = ["A": "2"]
        #expect(hash(other) != h)
        other = base
        other.memorySize = 256
        #expect(hash(other) != h)
        other = base
        other.timeout = 31
        #expect(hash(other) != h)
        other = base
        other.rieConcurrency = 2
        #expect(hash(other) != h)
        other = base
        other.image = "img:2"
        #expect(hash(other) != h)
        #expect(hash(base, imageID: "sha256:2") != h)
        var published = Self.settings
        published.addressMode = .published
        #expect(hash(base, settings: published) != h)
        // Settings that do not shape the container leave it alone.
        other = base
        other.maxConcurrency = 9
        other.minWarm = 1
        #expect(hash(other) == h)
    }

    @Test(
        arguments: [
            (["esb.managed": "true"], nil as String?, true),
            (["esb.managed": "true", "esb.instance": "a"], nil, false),
            (["esb.managed": "true", "esb.instance": "a"], "a", true), (["esb.managed": "true"], "a", false),
            (["esb.managed": "true", "esb.instance": "b"], "a", false), (["esb.instance": "a"], "a", false),
        ] as [([String: String], String?, Bool)])
    func instancesNeverTouchEachOthersWorkers(labels: [String: String], instance: String?, belongs: Bool) {
        #expect(WorkerLabels.belongs(labels, to: instance) == belongs)
    }

    @Test func theContainerSpec() {
        var settings = Self.settings
        settings.instance = "i1"
        let spec = WorkerBlueprint(
            function: FunctionConfig(name: "f", memorySize: 512), imageID: nil, settings: settings
        ).containerSpec
        #expect(spec.memoryBytes == 512 << 20)
        #expect(spec.restartPolicy == "no")
        #expect(spec.network == "esb-lambda")
        #expect(
            spec.labels["esb.managed"] == "true" && spec.labels["esb.function"] == "f"
                && spec.labels["esb.instance"] == "i1")
        #expect(spec.publishedPorts.isEmpty)
        let name = WorkerBlueprint(function: FunctionConfig(name: "f"), imageID: nil, settings: settings)
            .newContainerName()
        #expect(name.hasPrefix("esb-f-") && name.count == 14)
        #expect(spec.logConfig == .init(type: "json-file", options: ["max-size": "10m", "max-file": "3"]))
    }

    @Test func workerLogRotationIsConfigurable() throws {
        let custom = try ManagerSettings(environment: ["WORKER_LOG_MAX_SIZE": "5M", "WORKER_LOG_MAX_FILE": "2"])
        let spec = WorkerBlueprint(function: FunctionConfig(name: "f"), imageID: nil, settings: custom).containerSpec
        #expect(spec.logConfig == .init(type: "json-file", options: ["max-size": "5m", "max-file": "2"]))
        let off = try ManagerSettings(environment: ["WORKER_LOG_MAX_SIZE": "none"])
        #expect(
            WorkerBlueprint(function: FunctionConfig(name: "f"), imageID: nil, settings: off).containerSpec.logConfig
                == nil)
        #expect(throws: ManagerSettingsError.self) {
            try ManagerSettings(environment: ["WORKER_LOG_MAX_SIZE": "10 MB"])
        }
        #expect(throws: ManagerSettingsError.self) { try ManagerSettings(environment: ["WORKER_LOG_MAX_FILE": "0"]) }
    }
}

@Suite(.timeLimit(.minutes(5))) struct WorkerLogFormatterTests {
    let formatter = WorkerLogFormatter(containerName: "esb-f-12345678", function: "f")

    func line(_ text: String, stream: String = "stdout") throws -> JSONValue {
        let entry = try #require(formatter.line(Array(text.utf8), stream: stream, epochMilliseconds: 1_700_000_000_000))
        return try JSONValue(parsing: entry.jsonLine())
    }

    @Test func aPlainLine() throws {
        let v = try line("hello world\r", stream: "stderr")
        #expect(v["message"]?.stringValue == "hello world")
        #expect(v["container_name"]?.stringValue == "esb-f-12345678")
        #expect(v["function"]?.stringValue == "f")
        #expect(v["stream"]?.stringValue == "stderr")
        #expect(v["level"]?.stringValue == "INFO")
        #expect(v["logger"]?.stringValue == "lambda")
        #expect(v["_time"]?.stringValue == "2023-11-14T22:13:20.000Z")
    }

    /// docs/manager.md: a line cut at 256 KiB is never parsed as JSON, ends with the marker and says `cut: true`; the
    /// notice that follows counts the bytes dropped.
    @Test func aCutLineCarriesTheMarkerAndTheNoticeTheDroppedBytes() throws {
        let text = "{\"level\":\"ERROR\",\"message\":\"" + String(repeating: "y", count: 100)
        let entry = try #require(formatter.line(Array(text.utf8), stream: "stdout", epochMilliseconds: 0, cut: true))
        let v = try JSONValue(parsing: entry.jsonLine())
        #expect(v["message"]?.stringValue == text + WorkerLogFormatter.cutMarker(limit: text.utf8.count))
        #expect(v["cut"] == .bool(true) && v["level"]?.stringValue == "INFO")
        let notice = try JSONValue(
            parsing: formatter.cutNotice(stream: "stdout", discardedBytes: 42, epochMilliseconds: 0).jsonLine())
        #expect(notice["level"]?.stringValue == "WARNING" && notice["dropped_bytes"] == .number(JSONNumber(42)))
        #expect(notice["container_name"]?.stringValue == "esb-f-12345678")
    }

    @Test func emptyLinesAreDropped() {
        #expect(formatter.line(Array("  \r".utf8), stream: "stdout", epochMilliseconds: 0) == nil)
    }

    @Test func aJSONLineIsLiftedWithoutOverwritingTheThreeFields() throws {
        let v = try line(
            #"{"_time":"2025-01-02T03:04:05.678Z","level":"ERROR","message":"boom","logger":"boto3.mock","log_group":"/aws/lambda/f","log_stream":"s","request_id":"r1","function":"spoof","container_name":"spoof","stream":"spoof","n":3}"#
        )
        #expect(v["message"]?.stringValue == "boom")
        #expect(v["level"]?.stringValue == "ERROR")
        #expect(v["logger"]?.stringValue == "boto3.mock")
        #expect(v["request_id"]?.stringValue == "r1")
        #expect(v["log_group"]?.stringValue == "/aws/lambda/f")
        #expect(v["log_stream"]?.stringValue == "s")
        #expect(v["n"]?.intValue == 3)
        #expect(v["function"]?.stringValue == "f")
        #expect(v["container_name"]?.stringValue == "esb-f-12345678")
        #expect(v["stream"]?.stringValue == "stdout")
        #expect(v["_time"]?.stringValue == "2025-01-02T03:04:05.678Z")
        #expect(v.objectValue?.keys.filter { $0 == "function" }.count == 1)
    }

    @Test func aJSONLineWithoutAMessageKeepsItsText() throws {
        let v = try line(#"{"event":"x"}"#)
        #expect(v["message"]?.stringValue == #"{"event":"x"}"#)
        #expect(v["event"]?.stringValue == "x")
    }

    @Test func msgIsTheMessageWhenThereIsNoMessage() throws {
        #expect(try line(#"{"msg":"m","level":"warning"}"#)["message"]?.stringValue == "m")
        #expect(try line(#"{"msg":"m","level":"warning"}"#)["level"]?.stringValue == "WARNING")
    }

    @Test func brokenJSONIsAPlainLine() throws {
        #expect(try line(#"{"not json"#)["message"]?.stringValue == #"{"not json"#)
    }

    @Test(
        arguments: [
            ("1970-01-01T00:00:00Z", Int64(0)), ("2023-11-14T22:13:20.000Z", 1_700_000_000_000),
            ("2000-02-29T12:00:00.5Z", 951_825_600_500), ("2025-01-02T03:04:05.678901Z", 1_735_787_045_678),
            ("2025-01-02 03:04:05Z", nil), ("2025-13-02T03:04:05Z", nil), ("yesterday", nil),
        ] as [(String, Int64?)])
    func isoTimes(text: String, expected: Int64?) {
        #expect(WorkerLogFormatter.epochMilliseconds(iso8601: text) == expected)
    }
}
