import BoxCore

/// Image and network calls of the Engine API.
extension DockerClient {
    /// `GET /images/{name}/json`; a missing image is `.notFound`.
    public func inspectImage(_ name: String) async throws(DockerError) -> ImageDetails {
        // Image references contain `/` and `:`, which the daemon expects literally in this path.
        let response = try await request("GET", "/images/\(name)/json")
        return try DockerJSON.decode(ImageDetails.self, from: response.body, what: "image")
    }

    /// `GET /networks/{name}`; a missing network is `.notFound`.
    public func inspectNetwork(_ name: String) async throws(DockerError) -> NetworkDetails {
        let response = try await request("GET", "/networks/\(PercentEncoding.encode(name))")
        return try DockerJSON.decode(NetworkDetails.self, from: response.body, what: "network")
    }

    /// `GET /networks` filtered by name. Docker's name filter matches substrings, so only networks whose name
    /// is exactly `name` are returned (two or more when duplicates were created concurrently).
    public func listNetworks(named name: String) async throws(DockerError) -> [NetworkDetails] {
        var query: [(String, String)] = []
        if let filters = DockerJSON.filtersQuery(["name": [name]]) { query.append(("filters", filters)) }
        let response = try await request("GET", "/networks", query: query)
        return try DockerJSON.decode([NetworkDetails].self, from: response.body, what: "network list").filter {
            $0.name == name
        }
    }

    /// `POST /networks/create` of a bridge network; returns the network id. A name in use is `.conflict`.
    /// `options`: the bridge driver's options (`com.docker.network.driver.mtu`, …).
    public func createNetwork(
        name: String, labels: [String: String] = [:], options: [String: String] = [:]
    ) async throws(DockerError) -> String {
        let body: JSONValue = [
            "Name": .string(name), "Driver": "bridge", "Labels": DockerJSON.object(labels),
            "Options": DockerJSON.object(options), "CheckDuplicate": true,
        ]
        let response = try await request("POST", "/networks/create", body: body.serialized())
        return try DockerJSON.decode(from: response.body, what: "network create answer") { $0["Id"]?.stringValue }
    }

    /// `DELETE /networks/{name}`.
    public func removeNetwork(_ name: String) async throws(DockerError) {
        _ = try await request("DELETE", "/networks/\(PercentEncoding.encode(name))")
    }
}
