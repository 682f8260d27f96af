import DockerEngine
import Telemetry

/// Finds or creates `LAMBDA_NETWORK` and answers its id, race-free across processes (docs/manager.md,
/// "The Lambda network").
///
/// Docker accepts two networks of one name, and its duplicate check is not atomic between concurrent creates:
/// two managers (or a manager and `docker compose up`) that each "inspect, create if missing" can both create
/// it, after which every call that names it fails as "ambiguous". So the name is only used to look networks
/// up; when several share it, every process picks the same one (the oldest, then the smallest id), workers are
/// attached by that id, and the extra ones this box created (`esb.managed=true`) with nothing attached are
/// removed.
struct LambdaNetwork: Sendable {
    let backend: any WorkerBackend
    let name: String
    let logger: Logger
    /// How long a process that created the network waits before listing it again (a network create takes
    /// tens of milliseconds on an idle daemon, but 300 ms proved too short on a loaded machine; once per manager
    /// process, and only when it creates the network).
    static let settleTime = Duration.seconds(1)

    /// Jumbo frames between the gateway and the workers: a proxy event of a few KB is one segment instead of
    /// two, and the worker sends no separate ACK for it (docs/manager.md, "The Lambda network"). The network only joins containers of one
    /// host; TCP to anything beyond it agrees on its segment size when it connects.
    static let driverOptions = ["com.docker.network.driver.mtu": String(mtu)]
    static let mtu = 9000

    /// The id of the network every worker joins.
    func resolve() async throws(DockerError) -> String {
        var found = try await backend.listNetworks(named: name)
        if found.isEmpty {
            do {
                _ = try await backend.createNetwork(
                    name: name, labels: [WorkerLabels.managed: "true"], options: Self.driverOptions)
                // A create racing ours may still be in flight: let it land, so that every process lists (and so
                // picks among) the same networks.
                try? await Task.sleep(for: Self.settleTime)
            } catch  where error.code == .conflict {
                // Another process created it between the list and the create: use theirs.
            }
            found = try await backend.listNetworks(named: name)
        }
        guard let chosen = Self.preferred(found) else {
            throw DockerError(.notFound, message: "network \(name) vanished right after it was created")
        }
        if found.count > 1 {
            await removeDuplicates(of: chosen, among: found)
        }
        return chosen.id
    }

    /// The network every process picks among networks of one name: the oldest, then the smallest id.
    static func preferred(_ networks: [NetworkDetails]) -> NetworkDetails? {
        networks.min { a, b in
            let (ka, kb) = (CreationTime(a.created), CreationTime(b.created))
            return ka == kb ? a.id < b.id : ka < kb
        }
    }

    private func removeDuplicates(of chosen: NetworkDetails, among found: [NetworkDetails]) async {
        let extras = found.filter { $0.id != chosen.id }
        logger.warning(
            "several networks share the Lambda network's name; using the oldest",
            fields: [
                "network": .string(name), "using": .string(chosen.id),
                "others": .string(extras.map(\.id).joined(separator: ",")),
            ])
        for extra in extras where extra.labels[WorkerLabels.managed] == "true" {
            // The list leaves `Containers` empty: inspect to see whether anything is attached.
            guard let details = try? await backend.inspectNetwork(extra.id), details.containerCount == 0 else {
                continue
            }
            do {
                try await backend.removeNetwork(extra.id)
                logger.info(
                    "removed a duplicate Lambda network", fields: ["network": .string(name), "id": .string(extra.id)])
            } catch {
                // Another manager removed it first, or a container joined it meanwhile: either way it stays theirs.
            }
        }
    }
}

/// Docker's `Created` (RFC 3339 with up to nine fraction digits, trailing zeros dropped) as a comparable key.
/// Plain string order is wrong for it: `…00.1234Z` sorts after `…00.12345Z`.
struct CreationTime: Comparable {
    let seconds: Substring
    let nanoseconds: Int

    init(_ text: String) {
        let upToSeconds = text.prefix(19)  // "YYYY-MM-DDTHH:MM:SS", one daemon writes one offset
        seconds = upToSeconds
        let rest = text.dropFirst(19)
        if rest.first == "." {
            let digits = rest.dropFirst().prefix { $0.isNumber }.prefix(9)
            let padded = String(digits) + String(repeating: "0", count: 9 - digits.count)
            nanoseconds = Int(padded) ?? 0
        } else {
            nanoseconds = 0
        }
    }

    static func < (a: CreationTime, b: CreationTime) -> Bool {
        a.seconds == b.seconds ? a.nanoseconds < b.nanoseconds : a.seconds < b.seconds
    }
}
