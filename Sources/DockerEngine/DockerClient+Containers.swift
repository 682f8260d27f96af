import BoxCore

/// Container calls of the Engine API.
extension DockerClient {
    /// `GET /containers/json`: containers, all states when `all`; `labels` are `key` or `key=value` filters.
    public func listContainers(all: Bool = true, labels: [String] = []) async throws(DockerError) -> [ContainerSummary]
    {
        var query = [("all", all ? "1" : "0")]
        if let filters = DockerJSON.filtersQuery(labels.isEmpty ? [:] : ["label": labels]) {
            query.append(("filters", filters))
        }
        let response = try await request("GET", "/containers/json", query: query)
        return try DockerJSON.decode([ContainerSummary].self, from: response.body, what: "container list")
    }

    /// `POST /containers/create`; returns the new container's id. A missing image is `.notFound`.
    public func createContainer(name: String? = nil, spec: ContainerSpec) async throws(DockerError) -> String {
        let response = try await request(
            "POST", "/containers/create", query: name.map { [("name", $0)] } ?? [], body: DockerJSON.encode(spec))
        return try DockerJSON.decode(from: response.body, what: "create answer") { $0["Id"]?.stringValue }
    }

    /// `POST /containers/{id}/start` (already running is fine).
    public func startContainer(_ id: String) async throws(DockerError) {
        _ = try await request("POST", "/containers/\(PercentEncoding.encode(id))/start")
    }

    /// `POST /containers/{id}/stop`: SIGTERM, then SIGKILL after `timeoutSeconds` (already stopped is fine).
    public func stopContainer(_ id: String, timeoutSeconds: Int = 10) async throws(DockerError) {
        _ = try await request(
            "POST", "/containers/\(PercentEncoding.encode(id))/stop", query: [("t", String(timeoutSeconds))],
            timeout: .seconds(timeoutSeconds + 30))
    }

    /// `POST /containers/{id}/kill` with a signal name or number.
    public func killContainer(_ id: String, signal: String = "SIGKILL") async throws(DockerError) {
        _ = try await request("POST", "/containers/\(PercentEncoding.encode(id))/kill", query: [("signal", signal)])
    }

    /// `POST /containers/{id}/pause` (freezes every process of the container).
    public func pauseContainer(_ id: String) async throws(DockerError) {
        _ = try await request("POST", "/containers/\(PercentEncoding.encode(id))/pause")
    }

    /// `POST /containers/{id}/unpause`.
    public func unpauseContainer(_ id: String) async throws(DockerError) {
        _ = try await request("POST", "/containers/\(PercentEncoding.encode(id))/unpause")
    }

    /// `DELETE /containers/{id}`; `force` kills a running (or paused) container first.
    public func removeContainer(_ id: String, force: Bool = false) async throws(DockerError) {
        _ = try await request(
            "DELETE", "/containers/\(PercentEncoding.encode(id))", query: [("force", force ? "1" : "0")])
    }

    /// `GET /containers/{id}/json`.
    public func inspectContainer(_ id: String) async throws(DockerError) -> ContainerDetails {
        let response = try await request("GET", "/containers/\(PercentEncoding.encode(id))/json")
        return try DockerJSON.decode(ContainerDetails.self, from: response.body, what: "container")
    }

    /// `POST /containers/{id}/wait`: suspends until the container stops (per `condition`: `not-running`,
    /// `next-exit`, `removed`) and returns its exit code. No deadline: cancel the task to stop waiting.
    public func waitContainer(_ id: String, condition: String = "not-running") async throws(DockerError) -> Int {
        let response = try await request(
            "POST", "/containers/\(PercentEncoding.encode(id))/wait", query: [("condition", condition)],
            timeout: .seconds(365 * 24 * 3600))
        return try DockerJSON.decode(from: response.body, what: "wait answer") { $0["StatusCode"]?.intValue }
    }
}
