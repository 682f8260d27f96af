import DockerEngine
import ESBTestSupport
import Foundation
import Glibc
import Synchronization
import Testing

/// A dockerd that one test starts, stops, restarts and throws away, so a test can take "the Docker daemon" down
/// without touching the daemon every other suite shares (docs/manager.md, "Tests").
///
/// Everything of it lives in one temporary directory: its API socket, `--data-root`, `--exec-root` (where it
/// starts a containerd of its own), pidfile and log. Its default bridge is an interface of its own (`--bridge=`
/// a bridge this test creates and deletes) and it writes no iptables rules (`--iptables=false`), so it never
/// meets the shared daemon's `docker0` and chains: NOT `--bridge=none`, with which dockerd deletes the machine's
/// `docker0` at start and breaks every container of the shared daemon. Nor `--default-address-pool`: with it, a
/// restarted dockerd that clears its stale default network also deletes `docker0` (moby's
/// `initNetworkController`). The networks a Manager creates on it take subnets Docker's allocator finds free of
/// every route of the machine, as the shared daemon's do. Images are copied in
/// from the shared daemon (`docker save | docker load`).
final class PrivateDockerDaemon: Sendable {
    /// The temporary directory holding everything of this daemon.
    let directory: String
    /// `unix://…` for `DOCKER_HOST` / `ManagerHarness(dockerHost:)`.
    var host: String { "unix://\(directory)/docker.sock" }
    /// A client of this daemon (never of the shared one).
    let client: DockerClient
    private let arguments: String
    /// The bridge interface the daemon uses as its default bridge (created here, deleted by `destroy`).
    private let bridge: String
    private let bridgeAddress: String
    private let pid = Mutex<pid_t>(0)

    /// Starts a daemon in a new directory with `images` loaded, runs `body`, then stops the daemon and deletes
    /// its directory whatever happened.
    static func with(images: [String], _ body: (PrivateDockerDaemon) async throws -> Void) async throws {
        let daemon = try await PrivateDockerDaemon()
        // Detached: a test cancelled at its time limit must still clean up (a cancelled task's Docker calls and
        // sleeps end at once).
        let cleanUp = { await Task.detached { await daemon.destroy() }.value }
        do {
            try await daemon.launch()
            for image in images { try await daemon.load(image) }
            try await body(daemon)
        } catch {
            await cleanUp()
            throw error
        }
        await cleanUp()
    }

    private init() async throws {
        // Short: containerd's sockets live under the exec-root, and a Unix socket path has at most 107 bytes.
        var template = Array("/tmp/esbd-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        directory = String(cString: made)
        let tag = URL(fileURLWithPath: directory).lastPathComponent
        let second = try await Self.freeSecondOctet()
        bridge = tag.replacingOccurrences(of: "-", with: "")  // "esbdXXXXXX": within the 15 bytes of an interface name
        bridgeAddress = "10.\(second).255.1/24"
        arguments = [
            "-H unix://\(directory)/docker.sock", "--data-root \(directory)/data", "--exec-root \(directory)/exec",
            "--pidfile \(directory)/docker.pid", "--bridge=\(bridge)", "--iptables=false", "--ip-masq=false",
            "--containerd-namespace \(tag)", "--containerd-plugins-namespace \(tag)-plugins",
        ].joined(separator: " ")
        client = DockerClient(host: try DockerHost.fromEnvironment(["DOCKER_HOST": "unix://\(directory)/docker.sock"]))
    }

    /// Starts dockerd (again, on the same directories after `stop()`) and waits until it answers.
    func launch() async throws {
        // The daemon must inherit no descriptor of the test process. Foundation's `Process` (which `sh` uses)
        // leaves one end of a socket pair open in the child and learns that the child exited when that socket
        // reaches end-of-file; a daemon started from the child that kept it would make Foundation wait for the
        // daemon's exit instead: `sh` (or `waitUntilExit`) never returns. That is what hung the dockerd restart
        // test when it restarted the daemon through tests-e2e/lib/ensure-dockerd.sh (docs/manager.md, "Tests").
        // So the subshell closes every descriptor above 2 before it becomes dockerd.
        let link = await sh(
            "ip link show \(bridge) >/dev/null 2>&1 || { ip link add \(bridge) type bridge && ip addr add \(bridgeAddress) dev \(bridge) && ip link set \(bridge) up; }"
        )
        try #require(link.status == 0, "cannot create the private daemon's bridge \(bridge)")
        let closeInherited = #"for fd in $(ls /proc/$BASHPID/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done"#
        let started = await sh(
            "(\(closeInherited); exec setsid nohup dockerd \(arguments) >> \(directory)/dockerd.log 2>&1 < /dev/null) & echo started"
        )
        try #require(started.status == 0, "dockerd did not start: \(started.output)")
        let deadline = ContinuousClock.now + .seconds(90)
        while (try? await client.ping()) == nil {
            guard ContinuousClock.now < deadline else {
                Issue.record("the private dockerd did not answer within 90 s; log:\n\(await logTail())")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let text = (try? String(contentsOfFile: "\(directory)/docker.pid", encoding: .utf8)) ?? ""
        let daemonPID = try #require(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), "no pidfile")
        pid.withLock { $0 = daemonPID }
        let shared = Self.openFiles(of: "self").intersection(Self.openFiles(of: String(daemonPID)))
        #expect(shared.isEmpty, "the private dockerd holds descriptors of the test process: \(shared)")
    }

    /// What the descriptors above 2 of a process point at (`socket:[inode]`, `pipe:[inode]`, paths).
    private static func openFiles(of process: String) -> Set<String> {
        let directory = "/proc/\(process)/fd"
        let numbers = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return Set(
            numbers.filter { (Int($0) ?? 0) > 2 }.compactMap {
                try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\($0)")
            }.filter { $0.hasPrefix("socket:") || $0.hasPrefix("pipe:") })
    }

    /// Stops dockerd the way a service manager does (SIGTERM; SIGKILL after 90 s) and waits until it has exited.
    /// Its containers die with it (they run with restart policy `no`).
    func stop() async {
        let daemonPID = pid.withLock { current in
            defer { current = 0 }
            return current
        }
        guard daemonPID > 0 else { return }
        kill(daemonPID, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(90)
        while Self.isAlive(daemonPID) {
            if ContinuousClock.now > deadline {
                kill(daemonPID, SIGKILL)
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Copies `image` from the shared daemon.
    func load(_ image: String) async throws {
        let loaded = await sh("set -o pipefail; docker save \(image) | docker --host \(host) load 2>&1")
        try #require(loaded.status == 0, "loading \(image) into the private dockerd failed: \(loaded.output)")
    }

    /// The end of the daemon's log (for failure messages).
    func logTail() async -> String {
        await sh("tail -n 30 \(directory)/dockerd.log").output
    }

    /// Removes what the test left on the daemon (so no bridge interface stays on the machine), stops it, ends
    /// anything still running from its directory, unmounts what it mounted and deletes the directory.
    func destroy() async {
        if (try? await client.ping()) != nil {
            for container in (try? await client.listContainers(all: true)) ?? [] {
                try? await client.removeContainer(container.id, force: true)
            }
            let networks = await sh("docker --host \(host) network ls -q --filter type=custom").output
            for id in networks.split(separator: "\n") {
                _ = await sh("docker --host \(host) network rm \(id)")
            }
        } else if pid.withLock({ $0 }) == 0, FileManager.default.fileExists(atPath: "\(directory)/data") {
            // Not running (a failed restart): start it once more so it removes its networks' bridges.
            if (try? await launch()) != nil { return await destroy() }
        }
        await stop()
        // containerd and its shims, should the daemon have left any (their command lines name the directory).
        _ = await sh("grep -lsF -- '\(directory)/' /proc/[0-9]*/cmdline | cut -d/ -f3 | xargs -r kill -9")
        _ = await sh("grep -F ' \(directory)/' /proc/mounts | cut -d' ' -f2 | sort -r | xargs -r -n1 umount -l")
        _ = await sh("rm -rf '\(directory)'")
        _ = await sh("ip link delete \(bridge) 2>/dev/null")
    }

    /// True while `pid` runs (a zombie counts as gone).
    private static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let close = stat.lastIndex(of: ")") else { return false }
        return !stat[close...].hasPrefix(") Z")
    }

    /// An x such that no route of the machine overlaps 10.x.0.0/16: the private bridge's /24 is taken from it.
    private static func freeSecondOctet() async throws -> Int {
        let routes = await sh("ip -4 route show").output
        let taken = Set(
            routes.split(separator: "\n").compactMap { line -> Int? in
                let prefix = line.split(separator: " ").first.map(String.init) ?? ""
                let octets = prefix.split(separator: "/")[0].split(separator: ".")
                guard octets.count == 4, octets[0] == "10" else { return nil }
                return Int(octets[1])
            })
        let free = (100...254).filter { !taken.contains($0) && !routes.contains("10.0.0.0/8") }
        return try #require(free.randomElement(), "no free 10.x.0.0/16 for the private dockerd's bridge")
    }
}
