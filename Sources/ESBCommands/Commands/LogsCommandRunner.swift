import BoxCore
import DockerEngine
import Foundation
import HTTP1
import Reactor

/// `esb logs` options (docs/cli.md).
public struct LogsRequest: Sendable {
    public var function: String
    /// `--follow`: keep printing new lines (also of workers started later) until interrupted.
    public var follow = false
    /// `--since DURATION` (`30s`, `10m`, `2h`, `1d`), nil for everything kept.
    public var since: String?
    /// Where `.env` is read from (for `VICTORIALOGS_URL`).
    public var envFile: String? = ".env"

    public init(function: String) {
        self.function = function
    }
}

/// Runs `esb logs NAME`: the function's log lines from VictoriaLogs when `VICTORIALOGS_URL` is set (the lines the
/// Manager shipped, with `container_name`), else from the Docker engine: every worker container labelled
/// `esb.function=NAME` (docs/manager.md), oldest first, each line prefixed with its container's name.
public enum LogsCommandRunner {
    public static func run(
        _ request: LogsRequest, environment: BoxEnvironment? = nil, console: ConsoleOutput = .standard
    ) async -> Int32 {
        let env = environment ?? BoxEnvironment(envFile: request.envFile)
        return await console.exitCode {
            let since = try request.since.map(seconds)
            if let url = env["VICTORIALOGS_URL"] {
                try await fromVictoriaLogs(url, request: request, since: since, console: console)
            } else {
                try await fromDocker(request, since: since, environment: env, console: console)
            }
            return 0
        }
    }

    /// `30s`, `10m`, `2h`, `1d` (decimals allowed) → seconds.
    static func seconds(_ text: String) throws(CommandError) -> Int {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        guard let unit = text.last, let factor = units[unit], let value = Double(text.dropLast()), value >= 0,
            value.isFinite
        else {
            throw CommandError("--since \(text): use a number and s, m, h or d (e.g. 10m)")
        }
        return Int((value * factor).rounded(.up))
    }

    // MARK: Docker engine

    private static func fromDocker(
        _ request: LogsRequest, since: Int?, environment: BoxEnvironment, console: ConsoleOutput
    ) async throws {
        let host: DockerHost
        do {
            host = try DockerHost.fromEnvironment(environment.values)
        } catch {
            throw CommandError("DOCKER_HOST: \(error)")
        }
        let docker = DockerClient(host: host)
        let label = "esb.function=\(request.function)"
        let containers: [ContainerSummary]
        do {
            containers = try await docker.listContainers(all: true, labels: [label]).sorted {
                ($0.created ?? 0) < ($1.created ?? 0)
            }
        } catch {
            throw CommandError("the Docker engine: \(error) (or set VICTORIALOGS_URL to read the shipped logs)")
        }
        let sinceEpoch = since.map { Int(Date().timeIntervalSince1970) - $0 }
        guard request.follow else {
            if containers.isEmpty {
                console.err(
                    "no worker of \(request.function) exists now (workers are removed when idle; VICTORIALOGS_URL keeps their logs)"
                )
            }
            for container in containers {
                try await print(
                    docker.logs(container.id, follow: false, since: sinceEpoch), name: container.name, console: console)
            }
            return
        }
        // Follow: every worker there now, and every one started from now on, until interrupted.
        let startedAfter = Int(Date().timeIntervalSince1970)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var seen = Set<String>()
            func follow(_ id: String, name: String) {
                guard seen.insert(id).inserted else { return }
                group.addTask {
                    try? await print(docker.logs(id, follow: true, since: sinceEpoch), name: name, console: console)
                }
            }
            for container in containers { follow(container.id, name: container.name) }
            let events = docker.events(
                filters: ["type": ["container"], "event": ["start"], "label": [label]], since: startedAfter)
            for try await event in events {
                follow(event.actorID, name: event.attributes["name"] ?? String(event.actorID.prefix(12)))
            }
        }
    }

    private static func print(_ frames: AsyncThrowingStream<LogFrame, any Error>, name: String, console: ConsoleOutput)
        async throws
    {
        var pending: [UInt8] = []
        for try await frame in frames {
            pending += frame.bytes
            while let newline = pending.firstIndex(of: 0x0A) {
                console.out("\(name) \(String(decoding: pending[..<newline], as: UTF8.self))")
                pending.removeSubrange(...newline)
            }
        }
        if !pending.isEmpty { console.out("\(name) \(String(decoding: pending, as: UTF8.self))") }
    }

    // MARK: VictoriaLogs

    /// LogsQL over `/select/logsql/query`: the function's lines in time order; `--follow` asks again every two
    /// seconds for lines newer than the last one printed.
    private static func fromVictoriaLogs(_ url: String, request: LogsRequest, since: Int?, console: ConsoleOutput)
        async throws
    {
        guard let endpoint = HTTPEndpoint.parse(url), endpoint.unixPath == nil else {
            throw CommandError("VICTORIALOGS_URL=\(url) is not an http:// URL")
        }
        let http = HTTPClient(maxIdlePerEndpoint: 1, tls: nil)
        defer { http.closeIdleConnections() }
        var window = since.map { "_time:\($0)s " } ?? ""
        while true {
            let query = "function:\(jsonQuoted(request.function)) \(window)| sort by (_time)"
            let target = "/select/logsql/query?query=" + InvokeCommandRunner.percentEncoded(query)
            let response: HTTPResponse
            do {
                response = try await http.execute(
                    HTTPRequest(method: "GET", target: target, headers: HTTPHeaders([("Host", endpoint.hostHeader)])),
                    to: endpoint, timeout: .seconds(30))
            } catch {
                throw CommandError("\(url): \(error)")
            }
            guard response.status == 200 else {
                throw CommandError(
                    "\(url): HTTP \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
            }
            var last: String?
            for line in response.body.split(separator: 0x0A) {
                guard let json = try? JSONValue(parsing: Array(line)) else { continue }
                let time = json["_time"]?.stringValue ?? ""
                console.out("\(json["container_name"]?.stringValue ?? "-") \(time) \(json["_msg"]?.stringValue ?? "")")
                last = time
            }
            guard request.follow else { return }
            if let last { window = "_time:>\(last) " } else if window.isEmpty { window = "_time:>now-2s " }
            try await Task.sleep(for: .seconds(2))
        }
    }

    private static func jsonQuoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
