import BoxCore
import DockerEngine

/// Adopt & Sync (§4.4), the Docker events stream, reconnection, and configuration reloads.
extension WorkerManager {
    /// Reconciles the table with Docker: recomputes config hashes against the images, adopts running or paused
    /// workers whose hash matches, removes every other managed container, and forgets workers Docker no longer
    /// has. Run at start and whenever Docker comes back.
    func sync() async throws(ManagerError) {
        try await resolveBlueprints()
        let allContainers: [ContainerSummary]
        do {
            allContainers = try await backend.listContainers(
                all: true, labels: WorkerLabels.filters(instance: settings.instance))
        } catch {
            dockerReachable = false
            throw WorkerLauncher.map(error)
        }
        let instance = settings.instance
        let containers = allContainers.filter { WorkerLabels.belongs($0.labels, to: instance) }
        var adopted = 0, removed = 0
        let present = Set(containers.map(\.id))
        for key in Array(table.workers.keys) where table.workers[key]?.state != .starting && !present.contains(key) {
            logger.warning("worker disappeared", fields: fields(key))
            forgetWorker(key)
        }
        for container in containers {
            let alive = container.state == "running" || container.state == "paused"
            if let known = table.workers[container.id] {
                if !alive {
                    forgetWorker(container.id)
                    await launcher.remove(container.id)
                    removed += 1
                } else if known.state == .running && container.state == "paused" {
                    table.workers[container.id]?.state = .paused
                }
                continue
            }
            let function = container.labels[WorkerLabels.function] ?? ""
            guard alive, let blueprint = blueprints[function],
                container.labels[WorkerLabels.config] == blueprint.configHash,
                let details = try? await backend.inspectContainer(container.id),
                let address = launcher.address(of: details)
            else {
                await launcher.remove(container.id)
                removed += 1
                continue
            }
            table.adopt(
                id: container.id, name: container.name, function: function, hash: blueprint.configHash,
                host: address.host,
                port: address.port, paused: container.state == "paused", now: clock.now())
            if let record = table.workers[container.id] { startFollowingLogs(of: record, fromStart: false) }
            adopted += 1
        }
        dockerReachable = true
        firstSync.succeeded()
        launcher.metrics.recordAdoptions(adopted)
        logger.info(
            "sync completed",
            fields: ["adopted": .int(adopted), "removed": .int(removed), "workers": .int(table.workers.count)])
    }

    /// Computes each function's blueprint with its image id (when the image is there). Throws, changing
    /// nothing, when Docker cannot be asked: hashes computed without image ids would retire every worker.
    func resolveBlueprints() async throws(ManagerError) {
        var resolved: [String: WorkerBlueprint] = [:]
        for function in functions.functions {
            var imageID: String?
            do {
                imageID = try await backend.inspectImage(function.image).id
            } catch  where error.code == .notFound {
                imageID = nil
            } catch {
                dockerReachable = false
                throw WorkerLauncher.map(error)
            }
            resolved[function.name] = WorkerBlueprint(function: function, imageID: imageID, settings: settings)
            if imageID == nil {
                logger.warning(
                    "image not found", fields: ["function": .string(function.name), "image": .string(function.image)])
            }
        }
        blueprints = resolved
        table.apply(policies: Self.policies(resolved))
    }

    /// SIGHUP (§2.3): the new `functions.yml`. Workers whose configuration changed are retired: released ones
    /// go at the next scan, leased ones are revoked in the next heartbeat and removed when the gateway lets go.
    func reload(_ config: FunctionsConfig) async {
        functions = config
        do {
            try await resolveBlueprints()
        } catch {
            // Docker is away: use the settings without image ids for now; the resync when Docker is back
            // recomputes the hashes with them.
            blueprints = Dictionary(
                uniqueKeysWithValues: config.functions.map {
                    ($0.name, WorkerBlueprint(function: $0, imageID: blueprints[$0.name]?.imageID, settings: settings))
                })
            table.apply(policies: Self.policies(blueprints))
        }
        let retired = table.workers.values.filter(\.retired).count
        logger.info(
            "configuration reloaded", fields: ["functions": .int(config.functions.count), "retired": .int(retired)])
        tick()
    }

    /// Runs until cancelled: sync, then follow Docker's events; when Docker goes away, retry every second and
    /// resync when it is back. `ready` is called after each successful sync.
    func supervise() async {
        var announcedDown = false
        while !Task.isCancelled {
            let since = Int(clock.wallMilliseconds() / 1000) - 1
            do {
                try await sync()
                if announcedDown { logger.info("Docker is reachable again") }
                announcedDown = false
                tick()
                let events = backend.events(
                    filters: ["type": ["container"], "label": WorkerLabels.filters(instance: settings.instance)],
                    since: since)
                for try await event in events { await handle(event) }
            } catch {
                // The API stops holding calls: until a sync succeeds they are answered 503 (docs/manager.md).
                firstSync.attemptFailed()
                if !announcedDown {
                    logger.error("Docker is unreachable; retrying every second", fields: ["error": .string("\(error)")])
                    announcedDown = true
                }
            }
            dockerReachable = false
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// A container event: a worker that died on its own (crash, OOM, kill) is forgotten and its container
    /// removed; the gateway hears `revoked` when it next mentions it.
    func handle(_ event: DockerEvent) async {
        guard WorkerLabels.belongs(event.attributes, to: settings.instance) else { return }
        switch event.action {
        case "die", "oom", "destroy":
            guard let record = table.workers[event.actorID], record.state != .stopping else { return }
            logger.warning(
                "worker died",
                fields: [
                    "function": .string(record.function), "worker": .string(record.name),
                    "event": .string(event.action),
                    "exit_code": .string(event.attributes["exitCode"] ?? ""),
                ])
            forgetWorker(event.actorID)
            if event.action != "destroy" { await launcher.remove(event.actorID) }
        default:
            return
        }
    }
}
